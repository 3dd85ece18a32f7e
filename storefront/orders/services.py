"""Order services: place a checkout, move orders through their statuses, expire unpaid ones."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from ..cart import services as carts
from ..cart.models import Cart
from ..catalog.models import Producer
from ..catalog.stock import OutOfStock, change_stock
from ..core.clock import LOCAL_TZ, utcnow
from ..core.errors import UserError
from ..core.services import queue_mail, record_change
from ..events import services as event_services
from ..events.checkout import book_places, pickup_booths, pickup_label
from ..extensions import db
from ..money import format_vnd
from ..payments.providers import PROVIDERS, enabled_methods
from ..places.models import Place
from ..text import normalize_phone
from .models import Order, OrderGroup, OrderLine, OrderStatus, PaymentStatus
from .pricing import ProducerPart, split_by_producer

log = logging.getLogger(__name__)

S = OrderStatus
# Fulfilment moves an order may make; anything else is refused (IllegalTransition).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLACED: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}

STATUS_LABELS = {
    S.PLACED: _l("Placed"),
    S.CONFIRMED: _l("Confirmed"),
    S.PACKED: _l("Packed"),
    S.SHIPPED: _l("Shipped"),
    S.DELIVERED: _l("Delivered"),
    S.CANCELLED: _l("Cancelled"),
    S.REFUNDED: _l("Refunded"),
}
PAYMENT_LABELS = {
    PaymentStatus.PENDING: _l("Awaiting payment"),
    PaymentStatus.UNPAID: _l("Pay on delivery"),
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.VOID: _l("No payment"),
    PaymentStatus.REFUNDED: _l("Refunded"),
}
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class IllegalTransition(UserError):
    """An order cannot make this move from its current status; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message, 409)


def new_checkout_token(cart: Cart) -> str:
    """The one-time token for the checkout form of ``cart`` (kept until the cart changes)."""
    if not cart.checkout_token:
        cart.checkout_token = secrets.token_urlsafe(32)
        db.session.commit()
    return cart.checkout_token


@dataclass
class Buyer:
    """What the checkout form collected."""

    name: str
    phone: str
    email: str | None
    address_line: str
    place_id: int
    note: str
    payment_method: str
    # Producers whose part the buyer collects at their event booth (offered while a fair runs).
    pickup_producer_ids: frozenset[int] = frozenset()


def place_order(
    cart: Cart | None, buyer: Buyer, token: str, customer_id: int | None, language: str = "vi"
) -> OrderGroup:
    """Turn the cart into an order group with one order per producer, taking stock.

    Idempotent on ``token``: a second call with the same token returns the first group.
    Raises UserError (nothing saved) when the cart is gone, changed, or can no longer be sold.
    """
    existing = db.session.scalar(select(OrderGroup).where(OrderGroup.checkout_token == token))
    if existing is not None:
        return existing
    if cart is None or not cart.items:
        raise UserError(_("Your cart has expired or is empty. Please add the products again."))
    if not token or cart.checkout_token != token:
        raise UserError(
            _("Your cart changed since this page was opened. Please check it and try again."), 409
        )
    problems = carts.review(cart)
    if problems:
        raise UserError(" ".join(problems), 409)
    phone = normalize_phone(buyer.phone)
    place = db.session.get(Place, buyer.place_id)
    if phone is None or place is None or place.era != "current" or place.level != "commune":
        raise UserError(_("Please check your phone number and delivery address."))
    at = utcnow()
    parts = split_by_producer(carts.lines(cart, at))
    booths = pickup_booths([part.producer.id for part in parts], at)
    for part in parts:
        if part.producer.id in buyer.pickup_producer_ids and part.producer.id in booths:
            part.pickup_at = pickup_label(booths[part.producer.id])
    provider = PROVIDERS.get(buyer.payment_method)
    allowed = {p.code for p in enabled_methods({part.producer.id for part in parts})}
    if provider is None or provider.code not in allowed:
        raise UserError(_("That payment method is not available for this order."))
    group = OrderGroup(
        code=_new_code(),
        checkout_token=token,
        customer_id=customer_id,
        name=buyer.name.strip(),
        phone=phone,
        email=(buyer.email or "").strip().lower() or None,
        address_line=buyer.address_line.strip(),
        place_id=place.id,
        note=(buyer.note or "").strip(),
        payment_method=provider.code,
        language=language,
        total=sum(part.total for part in parts),
        pay_by=at + timedelta(minutes=current_app.config.get("ORDER_PAYMENT_MINUTES", 30))
        if provider.online
        else None,
    )
    db.session.add(group)
    try:
        # The unique token makes a concurrent second submission wait here, then fail.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(OrderGroup).where(OrderGroup.checkout_token == token))
        if existing is None:
            raise
        return existing
    for number, part in enumerate(parts, start=1):
        order = Order(
            code=f"{group.code}-{number}",
            producer_id=part.producer.id,
            producer_name=part.producer.name,
            status=S.PLACED,
            payment_status=provider.initial_payment_status,
            subtotal=part.subtotal,
            delivery_fee=part.delivery_fee,
            pickup_at=part.pickup_at,
            total=part.total,
        )
        order.lines = [
            OrderLine(
                kind=line.kind,
                ref_id=line.ref_id,
                variant_id=line.variant.id,
                product_name=line.variant.product.name_vi,
                variant_label=(line.label or line.variant.label_vi)[:120],
                producer_name=part.producer.name,
                sku=line.variant.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.total,
            )
            for line in part.lines
        ]
        group.orders.append(order)
    wanted: dict[int, int] = {}
    places: dict[int, int] = {}
    for part in parts:
        for line in part.lines:
            if line.stock_units:
                wanted[line.variant.id] = wanted.get(line.variant.id, 0) + line.stock_units
            if line.kind == "tour":
                places[line.ref_id] = places.get(line.ref_id, 0) + line.quantity
    try:
        book_places(places)
    except UserError:
        db.session.rollback()
        raise
    try:
        # Ascending variant id: concurrent checkouts lock the same rows in the same order, so
        # two carts holding the same products in opposite order can never deadlock.
        for variant_id in sorted(wanted):
            change_stock(variant_id, -wanted[variant_id])
    except OutOfStock:
        db.session.rollback()
        cart = db.session.get(Cart, cart.id)
        problems = carts.review(cart) if cart is not None else []
        raise UserError(
            " ".join(problems)
            or _("Some products sold out while you were checking out. Please review your cart."),
            409,
        ) from None
    for item in list(cart.items):
        db.session.delete(item)
    db.session.delete(cart)
    _notify_placed(group, parts)
    db.session.commit()
    return group


def totals_by_producer(first_day: date, last_day: date) -> dict[int, tuple[int, int]]:
    """Orders and goods revenue per producer placed on those days (Vietnam time), not cancelled."""
    start = datetime.combine(first_day, time.min, LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time.min, LOCAL_TZ).astimezone(UTC)
    rows = db.session.execute(
        select(Order.producer_id, func.count(Order.id), func.coalesce(func.sum(Order.subtotal), 0))
        .where(
            Order.created_at >= start,
            Order.created_at < end,
            Order.status.not_in([S.CANCELLED, S.REFUNDED]),
        )
        .group_by(Order.producer_id)
    ).all()
    return {producer_id: (count, revenue) for producer_id, count, revenue in rows}


event_services.order_totals = totals_by_producer


def _new_code() -> str:
    return "OC" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _send(group: OrderGroup, kind: str, subject: str, body: str) -> None:
    if group.email:
        queue_mail(group.email, subject, body, kind=kind)


def _notify_placed(group: OrderGroup, parts: list[ProducerPart]) -> None:
    with force_locale(group.language):
        lines = [
            f"- {order.code} · {order.producer_name}: {format_vnd(order.total, group.language)}"
            for order in group.orders
        ]
        _send(
            group,
            "order_placed",
            _("Your order %(code)s is placed", code=group.code),
            _("Thank you, %(name)s. We received your order:", name=group.name)
            + "\n"
            + "\n".join(lines),
        )
    for order, part in zip(group.orders, parts, strict=True):
        if part.producer.email:
            queue_mail(
                part.producer.email,
                f"Đơn hàng mới {order.code}",
                f"{order.code}: {len(order.lines)} dòng, {format_vnd(order.total)}.",
                kind="order_new_for_producer",
            )


def _notify(order: Order, kind: str) -> None:
    group = order.group
    with force_locale(group.language):
        if kind == "order_paid":
            subject = _("Payment received for order %(code)s", code=order.code)
            body = _("%(producer)s received your payment.", producer=order.producer_name)
        else:
            subject = _("Order %(code)s is on its way", code=order.code)
            body = _(
                "%(producer)s shipped your order with %(carrier)s, tracking number %(number)s.",
                producer=order.producer_name,
                carrier=order.carrier or "",
                number=order.tracking_number or "",
            )
        _send(group, kind, subject, body)


def allowed_moves(order: Order) -> list[str]:
    """Statuses this order may move to next, as the back office offers them."""
    return [s for s in S if s in TRANSITIONS[order.status] and _guard(order, s) is None]


def _guard(order: Order, to: str) -> str | None:
    """Why ``order`` may not move to ``to`` now, or None."""
    if to not in TRANSITIONS.get(order.status, frozenset()):
        return _(
            "An order that is %(current)s cannot become %(wanted)s.",
            current=STATUS_LABELS[order.status],
            wanted=STATUS_LABELS.get(to, to),
        )
    if to == S.CONFIRMED and order.payment_status == PaymentStatus.PENDING:
        return _("This order waits for its payment; it can be confirmed once paid.")
    if to == S.REFUNDED and order.payment_status != PaymentStatus.PAID:
        return _("Only a paid order can be refunded.")
    return None


def move(
    order: Order,
    to: str,
    actor: object = None,
    *,
    carrier: str | None = None,
    tracking_number: str | None = None,
    reason: str | None = None,
) -> Order:
    """Move ``order`` to status ``to`` and commit; raises IllegalTransition (nothing changed)."""
    _move(order, to, actor, carrier=carrier, tracking_number=tracking_number, reason=reason)
    db.session.commit()
    db.session.refresh(order)
    return order


def _move(
    order: Order,
    to: str,
    actor: object = None,
    *,
    carrier: str | None = None,
    tracking_number: str | None = None,
    reason: str | None = None,
) -> None:
    if to not in STATUS_LABELS:
        raise IllegalTransition(_("Unknown order status."))
    problem = _guard(order, to)
    if problem:
        raise IllegalTransition(problem)
    before = order.status
    values: dict[str, object] = {"status": to, "updated_at": utcnow()}
    if to == S.SHIPPED:
        carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
        if not carrier or not tracking_number:
            raise IllegalTransition(_("Enter the carrier and the tracking number to ship."))
        values.update(
            carrier=carrier[:80], tracking_number=tracking_number[:80], shipped_at=utcnow()
        )
    if to == S.DELIVERED and order.payment_status == PaymentStatus.UNPAID:
        values.update(payment_status=PaymentStatus.PAID, paid_at=utcnow())
    if to == S.CANCELLED:
        values["cancel_reason"] = (reason or "")[:300] or None
        if order.payment_status in (PaymentStatus.PENDING, PaymentStatus.UNPAID):
            values["payment_status"] = PaymentStatus.VOID
    if to == S.REFUNDED:
        values["payment_status"] = PaymentStatus.REFUNDED
    # Conditional on the status we checked: a concurrent move makes this one fail cleanly.
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == before)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise IllegalTransition(_("This order was changed meanwhile. Please reload the page."))
    if to == S.CANCELLED:
        _return_stock(order)
    record_change(actor, f"order.{to}", order, {"status": before}, {"status": to})
    db.session.refresh(order)
    if to == S.SHIPPED:
        _notify(order, "order_shipped")


def _return_stock(order: Order) -> None:
    """Put a cancelled order's units back, in ascending variant id (same lock order as placing)."""
    back: dict[int, int] = {}
    for line in order.lines:
        if line.variant_id is not None:
            back[line.variant_id] = back.get(line.variant_id, 0) + line.quantity
    for variant_id in sorted(back):
        change_stock(variant_id, back[variant_id])


def mark_paid(order: Order, actor: object = None) -> bool:
    """Record that an online payment for ``order`` arrived (the caller commits).

    Conditional on the order still awaiting payment, so a replayed or concurrent notice changes
    nothing; a placed order becomes confirmed. Returns whether this call changed the order.
    """
    result = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.payment_status == PaymentStatus.PENDING,
            Order.status != S.CANCELLED,
        )
        .values(
            payment_status=PaymentStatus.PAID,
            paid_at=utcnow(),
            updated_at=utcnow(),
            status=case((Order.status == S.PLACED, S.CONFIRMED), else_=Order.status),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(order)
    record_change(
        actor, "order.paid", order, {"payment_status": "pending"}, {"payment_status": "paid"}
    )
    _notify(order, "order_paid")
    return True


def expire_unpaid(at: datetime | None = None) -> list[Order]:
    """Cancel online-payment orders whose time to pay ran out, returning their stock.

    Safe to run from cron and concurrently: on PostgreSQL rows another run holds are skipped
    (FOR UPDATE SKIP LOCKED), and the status change itself is conditional everywhere.
    """
    at = at or utcnow()
    ids = db.session.scalars(
        select(Order.id)
        .join(OrderGroup, OrderGroup.id == Order.group_id)
        .where(
            Order.status == S.PLACED,
            Order.payment_status == PaymentStatus.PENDING,
            OrderGroup.pay_by < at,
        )
        .order_by(Order.id)
        .with_for_update(skip_locked=True, of=Order)
    ).all()
    cancelled = []
    for order_id in ids:
        order = db.session.get(Order, order_id)
        try:
            _move(order, S.CANCELLED, reason="payment not received in time")
        except IllegalTransition:
            continue
        cancelled.append(order)
    db.session.commit()
    return cancelled


def find_for_tracking(code: str, phone: str) -> OrderGroup | None:
    """The order group with this group or order code and buyer phone, or None."""
    code = (code or "").strip().upper()[:20].split("-")[0]
    phone = normalize_phone(phone)
    if not code or phone is None:
        return None
    return db.session.scalar(
        select(OrderGroup).where(OrderGroup.code == code, OrderGroup.phone == phone)
    )


def group_by_code(code: str) -> OrderGroup | None:
    return db.session.scalar(select(OrderGroup).where(OrderGroup.code == code[:16]))


def set_delivery(producer: Producer, actor: object, **values: object) -> None:
    """A producer sets its delivery fee, free-delivery threshold and transfer account."""
    before = {key: getattr(producer, key) for key in values}
    for key, value in values.items():
        setattr(producer, key, value)
    record_change(actor, "producer.delivery", producer, before, values, producer_id=producer.id)
    db.session.commit()
