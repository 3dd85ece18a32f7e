"""Order groups (one per checkout), orders (one per producer) and their lines."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Producer
from ..core.clock import utcnow
from ..extensions import db
from ..places.models import Place


class OrderStatus(enum.StrEnum):
    """Fulfilment status of a producer's order."""

    PLACED = "placed"
    CONFIRMED = "confirmed"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class PaymentStatus(enum.StrEnum):
    """Payment status, kept apart from fulfilment: COD orders are ``unpaid`` until delivered."""

    PENDING = "pending"  # waiting for an online payment (card, bank transfer)
    UNPAID = "unpaid"  # cash on delivery, collected by the carrier
    PAID = "paid"
    VOID = "void"  # cancelled before any money came in
    REFUNDED = "refunded"


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class OrderGroup(db.Model):
    """Everything bought in one checkout: the buyer, the delivery address and the payment method."""

    __tablename__ = "order_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # The checkout form's one-time token: a second submission of the same form finds this group.
    checkout_token: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    address_line: Mapped[str] = mapped_column(String(255))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    payment_method: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    total: Mapped[int] = mapped_column(BigInteger)
    # Online payments not received by then are cancelled by `flask orders expire`.
    pay_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    place: Mapped[Place] = relationship(lazy="joined")
    orders: Mapped[list[Order]] = relationship(
        back_populates="group", order_by="Order.id", cascade="all, delete-orphan"
    )

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.address_line, self.place.full_name) if p)


class Order(db.Model):
    """One producer's part of a checkout (đơn hàng): its lines, delivery fee and statuses."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(OrderStatus)})", name="status"),
        CheckConstraint(f"payment_status IN ({_in(PaymentStatus)})", name="payment_status"),
        CheckConstraint("subtotal >= 0 AND delivery_fee >= 0", name="amounts_not_negative"),
        CheckConstraint("total = subtotal + delivery_fee", name="total_adds_up"),
        Index("ix_orders_producer_created", "producer_id", "created_at"),
        Index("ix_orders_payment_status", "payment_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("order_groups.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    producer_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=OrderStatus.PLACED)
    payment_status: Mapped[str] = mapped_column(String(10))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    delivery_fee: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    carrier: Mapped[str | None] = mapped_column(String(80))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    # Where the buyer collects the order instead of delivery (an event booth), as it was then.
    pickup_at: Mapped[str | None] = mapped_column(String(300))
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    group: Mapped[OrderGroup] = relationship(back_populates="orders")
    producer: Mapped[Producer] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )


class OrderLine(db.Model):
    """What was sold, as it was then: names, SKU, label and unit price are snapshots."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="product")
    # The gift set or tourism slot the line was bought for (0 for a plain product).
    ref_id: Mapped[int] = mapped_column(Integer, default=0)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"), index=True)
    product_name: Mapped[str] = mapped_column(String(200))
    variant_label: Mapped[str] = mapped_column(String(120))
    producer_name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines")
