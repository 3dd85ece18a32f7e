"""The registry of payment providers: a small dict, no plugin machinery."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..orders.models import PaymentStatus
from .models import ProducerPaymentMethod


@dataclass(frozen=True)
class Provider:
    """How a payment method behaves: whether money must arrive before fulfilment."""

    code: str
    label: LazyString
    # Online: paid before the producer confirms; cancelled when not paid in time.
    online: bool
    # Config keys that must be set for the method to be offered at checkout.
    needs_config: tuple[str, ...] = ()

    @property
    def initial_payment_status(self) -> PaymentStatus:
        return PaymentStatus.PENDING if self.online else PaymentStatus.UNPAID

    def is_configured(self) -> bool:
        return all(current_app.config.get(key) for key in self.needs_config)


PROVIDERS: dict[str, Provider] = {
    "card": Provider(
        "card",
        _l("Card (Visa, Mastercard, JCB)"),
        online=True,
        needs_config=("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"),
    ),
    "vietqr": Provider("vietqr", _l("Bank transfer (VietQR)"), online=True),
    "cod": Provider("cod", _l("Cash on delivery"), online=False),
}


def enabled_methods(producer_ids: set[int]) -> list[Provider]:
    """Providers the office enabled for every one of these producers, and configured here."""
    if not producer_ids:
        return []
    rows = {
        tuple(row)
        for row in db.session.execute(
            select(ProducerPaymentMethod.producer_id, ProducerPaymentMethod.method).where(
                ProducerPaymentMethod.producer_id.in_(producer_ids)
            )
        ).all()
    }
    common = {code for code in PROVIDERS if all((pid, code) in rows for pid in producer_ids)}
    return [p for code, p in PROVIDERS.items() if code in common and p.is_configured()]
