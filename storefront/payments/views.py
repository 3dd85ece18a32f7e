"""Paying by card (Stripe), the Stripe webhook, transfer receipts and the office's settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..accounts.decorators import office_required, own_or_404, producer_required
from ..catalog.models import Producer
from ..core.errors import UserError
from ..core.nav import add_menu_item
from ..extensions import csrf, db, limiter
from ..money import parse_vnd
from ..orders.models import Order, OrderGroup, OrderStatus, PaymentStatus
from ..orders.views import visible_group
from . import services
from .forms import ReconcileForm
from .models import CardPayment, ProducerPaymentMethod
from .providers import PROVIDERS

bp = Blueprint("payments", __name__)

add_menu_item("office", "payments.office_methods", _l("Payment methods"), order=60)
add_menu_item("office", "payments.office_transfers", _l("Bank transfers"), order=61)


@bp.get("/orders/<code>/pay/card")
def card(code: str):
    group = visible_group(code)
    if group.payment_method != "card" or not PROVIDERS["card"].is_configured():
        raise UserError(_("This order is not paid by card."))
    if not any(o.payment_status == PaymentStatus.PENDING for o in group.orders):
        return redirect(url_for("payments.card_return", code=group.code))
    payment = services.card_payment_for(group)
    return render_template(
        "payments/card.html",
        group=group,
        payment=payment,
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
    )


@bp.get("/orders/<code>/pay/card/return")
def card_return(code: str):
    """Where Stripe.js sends the buyer back: shows the status the webhook recorded, nothing more."""
    group = visible_group(code)
    payment = db.session.scalar(select(CardPayment).where(CardPayment.group_id == group.id))
    paid = all(
        o.payment_status == PaymentStatus.PAID for o in group.orders if o.status != "cancelled"
    )
    return render_template("payments/card_return.html", group=group, payment=payment, paid=paid)


@bp.post("/payments/stripe/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    try:
        services.handle_stripe_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except services.BadWebhook as error:
        current_app.logger.warning("Rejected Stripe webhook: %s", error)
        return jsonify(error="invalid signature"), 400
    return jsonify(received=True)


@bp.post("/dashboard/orders/<int:order_id>/transfer-received")
@producer_required
def dashboard_transfer_received(order_id: int):
    order = own_or_404(Order, order_id)
    services.transfer_received(order, current_user)
    flash(_("Transfer recorded: order %(code)s is paid.", code=order.code))
    return redirect(url_for("orders.dashboard_order", order_id=order.id), code=303)


@bp.get("/office/payments")
@office_required
def office_methods():
    producers = db.session.scalars(select(Producer).order_by(Producer.name)).all()
    enabled: dict[int, set[str]] = {}
    for producer_id, method in db.session.execute(
        select(ProducerPaymentMethod.producer_id, ProducerPaymentMethod.method)
    ).all():
        enabled.setdefault(producer_id, set()).add(method)
    return render_template(
        "payments/office_methods.html", producers=producers, enabled=enabled, providers=PROVIDERS
    )


@bp.post("/office/payments/<int:producer_id>")
@office_required
def office_set_methods(producer_id: int):
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise UserError(_("That producer does not exist."), 404)
    services.set_enabled_methods(producer, set(request.form.getlist("methods")), current_user)
    flash(_("Payment methods saved for %(name)s.", name=producer.name))
    return redirect(url_for("payments.office_methods"), code=303)


@bp.route("/office/transfers", methods=["GET", "POST"])
@office_required
def office_transfers():
    form = ReconcileForm()
    status = 200
    if form.validate_on_submit():
        try:
            amount = parse_vnd(form.amount.data)
        except ValueError:
            raise UserError(_("Enter the amount in whole đồng, such as 250.000.")) from None
        order = services.reconcile(form.code.data, amount, current_user)
        flash(_("Transfer recorded: order %(code)s is paid.", code=order.code))
        return redirect(url_for("payments.office_transfers"), code=303)
    if form.errors:
        status = 400
    waiting = db.session.scalars(
        select(Order)
        .join(OrderGroup, OrderGroup.id == Order.group_id)
        .where(
            OrderGroup.payment_method == "vietqr",
            Order.payment_status == PaymentStatus.PENDING,
            Order.status != OrderStatus.CANCELLED,
        )
        .order_by(Order.id)
        .limit(200)
    ).all()
    return render_template("payments/office_transfers.html", form=form, waiting=waiting), status
