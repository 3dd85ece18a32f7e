"""Every model module, imported once so SQLAlchemy metadata and Alembic see all tables."""

from .accounts.models import User  # noqa: F401
from .catalog.listing import ProductListing  # noqa: F401
from .catalog.models import Certificate, Producer, Product, ProductImage, Variant  # noqa: F401
from .core.models import AuditEntry, OutboxMessage  # noqa: F401
from .places.models import Place  # noqa: F401
