"""A cart kept on the server, found by a random token (guests) or by its owner (customers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Variant
from ..core.clock import utcnow
from ..extensions import db


class Cart(db.Model):
    """A cart (giỏ hàng): a guest's, keyed by the token in their session, or a customer's."""

    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # One-time token the checkout form carries; cleared whenever the cart changes.
    checkout_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", order_by="CartItem.id", cascade="all, delete-orphan"
    )

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)


class CartItem(db.Model):
    """A line in a cart: what (``kind`` and variant) and how many; never a price."""

    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "kind", "variant_id", "ref_id", name="cart_kind_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="product")
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    # The gift set (kind "gift_set") or tourism slot (kind "tour") the line is for; 0 otherwise.
    ref_id: Mapped[int] = mapped_column(Integer, default=0)

    cart: Mapped[Cart] = relationship(back_populates="items")
    variant: Mapped[Variant] = relationship(lazy="joined")
