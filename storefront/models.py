"""Every model module, imported once so SQLAlchemy metadata and Alembic see all tables."""

from .accounts.models import User  # noqa: F401
from .cart.models import Cart, CartItem  # noqa: F401
from .catalog.listing import ProductListing  # noqa: F401
from .catalog.models import Certificate, Producer, Product, ProductImage, Variant  # noqa: F401
from .core.models import AuditEntry, OutboxMessage  # noqa: F401
from .events.models import (  # noqa: F401
    Booth,
    Event,
    EventDailyVisit,
    EventParticipant,
    EventPrice,
    FeaturedProduct,
    GiftSet,
    GiftSetComponent,
    TourismSlot,
)
from .orders.models import Order, OrderGroup, OrderLine  # noqa: F401
from .payments.models import CardPayment, ProducerPaymentMethod, WebhookEvent  # noqa: F401
from .places.models import Place  # noqa: F401
from .trace.models import (  # noqa: F401
    AreaStandard,
    Batch,
    EventAttachment,
    GrowingArea,
    ProblemReport,
    Stamp,
    StampRun,
    StampScan,
    TraceEvent,
)
