"""Payments: which providers each producer accepts, card payments and received webhooks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..extensions import db


class ProducerPaymentMethod(db.Model):
    """A payment provider the OCOP office has enabled for a producer."""

    __tablename__ = "producer_payment_methods"

    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)


class CardPayment(db.Model):
    """A Stripe PaymentIntent for an order group; its status follows the webhooks."""

    __tablename__ = "card_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("order_groups.id"), unique=True)
    intent_id: Mapped[str] = mapped_column(String(255), unique=True)
    client_secret: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(30))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class WebhookEvent(db.Model):
    """A provider event already applied, stored by its id so a replay changes nothing."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
