"""Events (hội chợ, tuần hàng), their booths and prices; gift sets; tourism slots."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Producer, Product, Variant
from ..core.clock import utcnow
from ..extensions import db

# Booth positions are in grid cells; the floor plan is GRID_WIDTH × GRID_HEIGHT cells.
GRID_WIDTH = 24
GRID_HEIGHT = 16


class ParticipationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Event(db.Model):
    """A trade promotion event: a fair (hội chợ), a promotion week or a livestream sales day."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint("discount_percent BETWEEN 0 AND 90", name="discount_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # Dates in Asia/Ho_Chi_Minh, both days included.
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    venue: Mapped[str] = mapped_column(String(255), default="")
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    online_url: Mapped[str] = mapped_column(String(255), default="")
    banner_path: Mapped[str | None] = mapped_column(String(255))
    banner_thumb_path: Mapped[str | None] = mapped_column(String(255))
    # The discount on the products chosen for event prices (EventPrice rows).
    discount_percent: Mapped[int] = mapped_column(Integer, default=0)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="event", order_by="EventParticipant.id", cascade="all, delete-orphan"
    )
    booths: Mapped[list[Booth]] = relationship(
        back_populates="event", order_by="Booth.number", cascade="all, delete-orphan"
    )
    prices: Mapped[list[EventPrice]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventParticipant(db.Model):
    """A producer invited to an event; they accept or decline and pick featured products."""

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "producer_id", name="event_producer"),
        CheckConstraint("status IN ('invited', 'accepted', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ParticipationStatus.INVITED)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    event: Mapped[Event] = relationship(back_populates="participants")
    producer: Mapped[Producer] = relationship(lazy="joined")
    featured: Mapped[list[FeaturedProduct]] = relationship(
        back_populates="participant", order_by="FeaturedProduct.id", cascade="all, delete-orphan"
    )


class FeaturedProduct(db.Model):
    """A product a participant shows at the event."""

    __tablename__ = "event_featured_products"
    __table_args__ = (UniqueConstraint("participant_id", "product_id", name="participant_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("event_participants.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))

    participant: Mapped[EventParticipant] = relationship(back_populates="featured")
    product: Mapped[Product] = relationship(lazy="joined")


class Booth(db.Model):
    """A booth (gian hàng) on the event's floor plan: a rectangle of grid cells."""

    __tablename__ = "event_booths"
    __table_args__ = (
        UniqueConstraint("event_id", "number", name="event_number"),
        CheckConstraint("x >= 0 AND y >= 0 AND w >= 1 AND h >= 1", name="position"),
        CheckConstraint(f"x + w <= {GRID_WIDTH} AND y + h <= {GRID_HEIGHT}", name="on_grid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    number: Mapped[str] = mapped_column(String(10))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"), index=True)
    x: Mapped[int] = mapped_column(Integer)
    y: Mapped[int] = mapped_column(Integer)
    w: Mapped[int] = mapped_column(Integer, default=2)
    h: Mapped[int] = mapped_column(Integer, default=2)

    event: Mapped[Event] = relationship(back_populates="booths")
    producer: Mapped[Producer | None] = relationship(lazy="joined")


class EventPrice(db.Model):
    """A product sold at the event's discount while the event runs."""

    __tablename__ = "event_prices"
    __table_args__ = (UniqueConstraint("event_id", "product_id", name="event_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)

    event: Mapped[Event] = relationship(back_populates="prices")
    product: Mapped[Product] = relationship(lazy="joined")


class EventDailyVisit(db.Model):
    """Event page views, one counter row per event and day (upserted, never one row per view)."""

    __tablename__ = "event_daily_visits"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class GiftSet(db.Model):
    """A gift set (gói quà tặng): variants from one or several producers sold at one set price."""

    __tablename__ = "gift_sets"
    __table_args__ = (CheckConstraint("price > 0", name="price_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    story_vi: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(255))
    photo_thumb_path: Mapped[str | None] = mapped_column(String(255))
    price: Mapped[int] = mapped_column(BigInteger)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    components: Mapped[list[GiftSetComponent]] = relationship(
        back_populates="gift_set",
        order_by="GiftSetComponent.variant_id",
        cascade="all, delete-orphan",
    )


class GiftSetComponent(db.Model):
    """One variant in a gift set, with how many units of it one set holds."""

    __tablename__ = "gift_set_components"
    __table_args__ = (
        UniqueConstraint("gift_set_id", "variant_id", name="set_variant"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_set_id: Mapped[int] = mapped_column(ForeignKey("gift_sets.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    gift_set: Mapped[GiftSet] = relationship(back_populates="components")
    variant: Mapped[Variant] = relationship(lazy="joined")


class TourismSlot(db.Model):
    """A dated slot of a tourism product (a tour departure, a homestay night) with its capacity."""

    __tablename__ = "tourism_slots"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        UniqueConstraint("product_id", "starts_at", name="product_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label_vi: Mapped[str] = mapped_column(String(120), default="")
    label_en: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship()

    @property
    def places_left(self) -> int:
        return self.capacity - self.booked
