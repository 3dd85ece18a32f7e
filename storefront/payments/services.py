"""Payment services: Stripe intents and webhooks, bank transfers, and enabling providers."""

from __future__ import annotations

import json
import logging

import segno
import stripe
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..catalog.models import Producer
from ..core.errors import UserError
from ..core.services import record_change
from ..extensions import db
from ..orders import services as orders
from ..orders.models import Order, OrderGroup, OrderStatus, PaymentStatus
from . import vietqr
from .models import CardPayment, ProducerPaymentMethod, WebhookEvent
from .providers import PROVIDERS

log = logging.getLogger(__name__)


def to_stripe_amount(amount_vnd: int) -> int:
    """VND in Stripe's units: VND is zero-decimal, so whole đồng go to Stripe as they are."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd < 0:
        raise ValueError(f"not a whole VND amount: {amount_vnd!r}")
    return amount_vnd


def stripe_client() -> stripe.StripeClient:
    config = current_app.config
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"], base_addresses={"api": base} if base else {}
    )


def card_payment_for(group: OrderGroup) -> CardPayment:
    """The group's PaymentIntent, created once (idempotency key and a unique row guard it)."""
    payment = db.session.scalar(select(CardPayment).where(CardPayment.group_id == group.id))
    if payment is not None:
        return payment
    if group.payment_method != "card":
        raise UserError(_("This order is not paid by card."))
    amount = sum(o.total for o in group.orders if o.payment_status == PaymentStatus.PENDING)
    if amount <= 0:
        raise UserError(_("Nothing is left to pay on this order."), 409)
    intent = stripe_client().v1.payment_intents.create(
        params={
            "amount": to_stripe_amount(amount),
            "currency": "vnd",
            "payment_method_types": ["card"],
            "metadata": {"order_group": group.code, "order_group_id": str(group.id)},
        },
        options={"idempotency_key": f"order-group-{group.id}-{amount}"},
    )
    payment = CardPayment(
        group_id=group.id,
        intent_id=intent.id,
        client_secret=intent.client_secret,
        amount=amount,
        status=intent.status,
    )
    db.session.add(payment)
    try:
        db.session.commit()
    except IntegrityError:  # a parallel request created it first: use theirs
        db.session.rollback()
        payment = db.session.scalar(select(CardPayment).where(CardPayment.group_id == group.id))
    return payment


class BadWebhook(Exception):
    """The webhook's signature or body did not verify; nothing was changed."""


def handle_stripe_webhook(payload: bytes, signature: str | None) -> bool:
    """Verify and apply a Stripe event; returns whether it changed anything.

    The event id is stored in the same transaction as its effect, so a replay changes nothing;
    the payment row is locked and its status checked before any order is marked paid.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature:
        raise BadWebhook("missing secret or signature")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        # Verified: read it as plain JSON (Stripe's objects are not dicts).
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise BadWebhook(str(error)) from error
    db.session.add(WebhookEvent(id=event["id"], provider="stripe", type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    changed = False
    intent = event["data"]["object"]
    if event["type"].startswith("payment_intent."):
        payment = db.session.scalar(
            select(CardPayment).where(CardPayment.intent_id == intent["id"]).with_for_update()
        )
        if payment is None:
            log.warning("Stripe event %s for unknown intent %s", event["id"], intent["id"])
        elif event["type"] == "payment_intent.succeeded":
            changed = _intent_succeeded(payment, intent)
        elif event["type"] == "payment_intent.payment_failed":
            error = intent.get("last_payment_error") or {}
            payment.status = "requires_payment_method"
            payment.last_error = (error.get("message") or "payment failed")[:500]
            changed = True
        elif event["type"] == "payment_intent.canceled":
            changed = _intent_canceled(payment)
    db.session.commit()
    return changed


def _intent_succeeded(payment: CardPayment, intent: dict) -> bool:
    if payment.status == "succeeded":
        return False
    if intent.get("amount_received", intent.get("amount")) != to_stripe_amount(payment.amount):
        log.error("Stripe intent %s amount differs from ours (%s)", intent["id"], payment.amount)
        payment.last_error = "amount mismatch"
        return False
    payment.status = "succeeded"
    payment.last_error = None
    changed = False
    for order in db.session.scalars(
        select(Order).where(Order.group_id == payment.group_id).order_by(Order.id).with_for_update()
    ):
        if order.status == OrderStatus.CANCELLED:
            log.error(
                "Card payment %s arrived for cancelled order %s", payment.intent_id, order.code
            )
            continue
        changed = orders.mark_paid(order) or changed
    return changed


def _intent_canceled(payment: CardPayment) -> bool:
    payment.status = "canceled"
    changed = False
    for order in db.session.scalars(
        select(Order).where(Order.group_id == payment.group_id).order_by(Order.id).with_for_update()
    ):
        if order.status == OrderStatus.PLACED and order.payment_status == PaymentStatus.PENDING:
            orders._move(order, OrderStatus.CANCELLED, reason="card payment cancelled")
            changed = True
    return changed


def cancel_intent(group: OrderGroup) -> None:
    """Best effort: cancel the group's intent so a late card payment cannot succeed."""
    payment = db.session.scalar(select(CardPayment).where(CardPayment.group_id == group.id))
    if payment is None or payment.status in ("succeeded", "canceled"):
        return
    try:
        stripe_client().v1.payment_intents.cancel(payment.intent_id)
    except stripe.StripeError:
        log.exception("Could not cancel Stripe intent %s", payment.intent_id)


def bank_account_for(order: Order) -> tuple[str, str, str]:
    """(BIN, account, holder) to pay ``order`` into: the producer's, else the platform's."""
    producer = order.producer
    if producer.bank_bin and producer.bank_account:
        return producer.bank_bin, producer.bank_account, producer.bank_account_name or producer.name
    config = current_app.config
    return config["VIETQR_BANK_BIN"], config["VIETQR_ACCOUNT"], config["VIETQR_ACCOUNT_NAME"]


def transfer_qr_svg(order: Order) -> str:
    """The order's VietQR code as inline SVG: amount and order code filled in."""
    bank_bin, account, _holder = bank_account_for(order)
    data = vietqr.payload(bank_bin, account, order.total, order.code.replace("-", ""))
    return segno.make(data, error="m").svg_inline(scale=5, border=2, title=order.code)


def transfer_received(order: Order, actor: object) -> None:
    """A producer or the office saw the transfer for ``order`` arrive in the account."""
    if order.group.payment_method != "vietqr":
        raise UserError(_("This order is not paid by bank transfer."))
    if order.payment_status != PaymentStatus.PENDING or order.status == OrderStatus.CANCELLED:
        raise UserError(_("This order is not waiting for a transfer."), 409)
    if not orders.mark_paid(order, actor):
        raise UserError(_("This order was changed meanwhile. Please reload the page."), 409)
    db.session.commit()


def reconcile(code: str, amount: int, actor: object) -> Order:
    """Match a bank statement line (order code in its description, amount) to an order."""
    wanted = "".join(c for c in (code or "").upper() if c.isalnum())
    order = db.session.scalar(
        select(Order).where(Order.code == _with_dash(wanted)).with_for_update()
    )
    if order is None:
        raise UserError(_("No order has the code %(code)s.", code=code), 404)
    if amount != order.total:
        raise UserError(
            _(
                "The amount does not match: order %(code)s is %(total)s.",
                code=order.code,
                total=order.total,
            ),
            409,
        )
    transfer_received(order, actor)
    return order


def _with_dash(code: str) -> str:
    """Bank descriptions drop punctuation: "OCAB12CD345" is order "OCAB12CD34-5"."""
    return f"{code[:10]}-{code[10:]}" if len(code) > 10 and "-" not in code else code


def set_enabled_methods(producer: Producer, methods: set[str], actor: object) -> None:
    """The office chooses which payment providers ``producer`` accepts."""
    unknown = methods - set(PROVIDERS)
    if unknown:
        raise UserError(_("Unknown payment method."))
    before = sorted(
        db.session.scalars(
            select(ProducerPaymentMethod.method).where(
                ProducerPaymentMethod.producer_id == producer.id
            )
        )
    )
    db.session.execute(
        delete(ProducerPaymentMethod).where(ProducerPaymentMethod.producer_id == producer.id)
    )
    for method in sorted(methods):
        db.session.add(ProducerPaymentMethod(producer_id=producer.id, method=method))
    record_change(
        actor,
        "producer.payment_methods",
        producer,
        {"methods": ",".join(before)},
        {"methods": ",".join(sorted(methods))},
        producer_id=producer.id,
    )
    db.session.commit()
