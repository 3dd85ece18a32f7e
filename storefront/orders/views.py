"""Checkout, the buyer's order pages, tracking, and the producers' order desk."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.decorators import own_or_404, producer_required
from ..cart import services as carts
from ..core.clock import utcnow
from ..core.errors import UserError
from ..core.i18n import current_language
from ..core.nav import add_menu_item
from ..core.spreadsheet import csv_text, formula_safe
from ..events.checkout import pickup_booths
from ..extensions import db, limiter
from ..payments.providers import PROVIDERS, enabled_methods
from ..payments.services import bank_account_for, transfer_qr_svg
from ..places.models import Place
from . import services
from .forms import CheckoutForm, DeliveryForm, MoveForm, TrackForm
from .models import Order, OrderGroup, OrderStatus
from .packing_slip import packing_slip_pdf
from .pricing import split_by_producer

bp = Blueprint("orders", __name__)

add_menu_item("dashboard", "orders.dashboard_orders", _l("Orders"), order=20)
add_menu_item("dashboard", "orders.dashboard_delivery", _l("Delivery and bank account"), order=21)

SEEN_KEY = "orders_seen"


def _allow_in_session(group: OrderGroup) -> None:
    """Let this browser see the group's page (after placing it or tracking it)."""
    seen = [c for c in session.get(SEEN_KEY, []) if c != group.code][-19:]
    session[SEEN_KEY] = [*seen, group.code]


def visible_group(code: str) -> OrderGroup:
    """The group ``code`` if this visitor may see it (its customer, or this browser); else 404."""
    group = services.group_by_code(code)
    if group is None:
        abort(404)
    mine = current_user.is_authenticated and group.customer_id == current_user.id
    if not mine and group.code not in session.get(SEEN_KEY, []):
        abort(404)
    return group


def _places() -> tuple[list[tuple[str, str]], dict[str, list[tuple[str, str]]], dict[str, str]]:
    places = db.session.scalars(
        select(Place).where(Place.era == "current").order_by(Place.level.desc(), Place.name)
    ).all()
    provinces = [(str(p.id), p.name) for p in places if p.level == "province"]
    names = dict(provinces)
    communes: dict[str, list[tuple[str, str]]] = {}
    parents: dict[str, str] = {}
    for p in places:
        if p.level == "commune" and p.parent_id is not None:
            communes.setdefault(names.get(str(p.parent_id), ""), []).append((str(p.id), p.name))
            parents[str(p.id)] = str(p.parent_id)
    return provinces, communes, parents


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    cart = carts.current_cart()
    if request.method == "GET" and (cart is None or not cart.items):
        return redirect(url_for("cart.view"))  # which says the cart is empty
    if request.method == "GET":
        for problem in carts.review(cart):
            flash(problem, "warning")
        if not cart.items:
            return redirect(url_for("cart.view"))
    parts = split_by_producer(carts.lines(cart)) if cart is not None else []
    methods = enabled_methods({part.producer.id for part in parts})
    form = CheckoutForm()
    provinces, communes, parents = _places()
    form.province.choices = [("", _("Choose a province")), *provinces]
    form.commune.choices = {"": [("", _("Choose a commune or ward"))], **communes}
    form.commune_parents = parents
    form.payment_method.choices = [(p.code, str(p.label)) for p in methods] or [
        (code, str(p.label)) for code, p in PROVIDERS.items()
    ]
    if request.method == "GET":
        form.checkout_token.data = services.new_checkout_token(cart)
        if len(provinces) == 1:
            form.province.data = provinces[0][0]
        if current_user.is_authenticated:
            form.name.data = form.name.data or current_user.name
            form.email.data = form.email.data or current_user.email
            form.phone.data = form.phone.data or current_user.phone
        if len(methods) == 1:
            form.payment_method.data = methods[0].code
    elif form.validate_on_submit():
        buyer = services.Buyer(
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            address_line=form.address_line.data,
            place_id=int(form.commune.data),
            note=form.note.data or "",
            payment_method=form.payment_method.data,
            pickup_producer_ids=frozenset(form.pickup.data or ()),
        )
        group = services.place_order(
            cart,
            buyer,
            form.checkout_token.data,
            current_user.id if current_user.is_authenticated else None,
            current_language(),
        )
        if group.customer_id is None:
            _allow_in_session(group)
        return redirect(url_for("orders.group", code=group.code), code=303)
    # A POST that reaches here did not validate: show the form again with its errors.
    status = 400 if request.method == "POST" else 200
    booths = pickup_booths([part.producer.id for part in parts], utcnow())
    return render_template(
        "orders/checkout.html",
        form=form,
        parts=parts,
        methods=methods,
        no_method=not methods,
        booths=booths,
    ), status


@bp.get("/orders/<code>")
def group(code: str):
    item = visible_group(code)
    transfers = {}
    if item.payment_method == "vietqr":
        for order in item.orders:
            if order.payment_status == "pending" and order.status == OrderStatus.PLACED:
                transfers[order.id] = (transfer_qr_svg(order), bank_account_for(order))
    return render_template(
        "orders/group.html",
        group=item,
        transfers=transfers,
        provider=PROVIDERS.get(item.payment_method),
        status_labels=services.STATUS_LABELS,
        payment_labels=services.PAYMENT_LABELS,
    )


@bp.get("/orders")
@login_required
def mine():
    groups = db.session.scalars(
        select(OrderGroup)
        .where(OrderGroup.customer_id == current_user.id)
        .order_by(OrderGroup.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "orders/mine.html",
        groups=groups,
        status_labels=services.STATUS_LABELS,
        payment_labels=services.PAYMENT_LABELS,
    )


@bp.route("/orders/track", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
def track():
    form = TrackForm()
    if form.validate_on_submit():
        found = services.find_for_tracking(form.code.data, form.phone.data)
        if found is not None:
            _allow_in_session(found)
            return redirect(url_for("orders.group", code=found.code), code=303)
        flash(_("No order matches that code and phone number."), "error")
        return render_template("orders/track.html", form=form), 404
    return render_template("orders/track.html", form=form), 400 if form.errors else 200


# The producers' order desk: every query is scoped by current_user.producer_id.


@bp.get("/dashboard/orders")
@producer_required
def dashboard_orders():
    wanted = request.args.get("status", "")
    query = select(Order).where(Order.producer_id == current_user.producer_id)
    if wanted in services.STATUS_LABELS:
        query = query.where(Order.status == wanted)
    items = db.session.scalars(query.order_by(Order.id.desc()).limit(200)).all()
    return render_template(
        "orders/dashboard_orders.html",
        orders=items,
        wanted=wanted,
        status_labels=services.STATUS_LABELS,
        payment_labels=services.PAYMENT_LABELS,
    )


@bp.get("/dashboard/orders/<int:order_id>")
@producer_required
def dashboard_order(order_id: int):
    order = own_or_404(Order, order_id)
    return render_template(
        "orders/dashboard_order.html",
        order=order,
        form=MoveForm(),
        moves=services.allowed_moves(order),
        provider=PROVIDERS.get(order.group.payment_method),
        status_labels=services.STATUS_LABELS,
        payment_labels=services.PAYMENT_LABELS,
    )


@bp.post("/dashboard/orders/<int:order_id>/status")
@producer_required
def dashboard_move(order_id: int):
    order = own_or_404(Order, order_id)
    form = MoveForm()
    if not form.validate_on_submit():
        raise UserError(_("Please check the form and try again."))
    services.move(
        order,
        form.status.data,
        current_user,
        carrier=form.carrier.data,
        tracking_number=form.tracking_number.data,
        reason=form.reason.data,
    )
    flash(
        _(
            "Order %(code)s is now %(status)s.",
            code=order.code,
            status=services.STATUS_LABELS[order.status],
        )
    )
    return redirect(url_for("orders.dashboard_order", order_id=order.id), code=303)


@bp.get("/dashboard/orders/<int:order_id>/packing-slip.pdf")
@producer_required
def dashboard_packing_slip(order_id: int):
    order = own_or_404(Order, order_id)
    return Response(
        packing_slip_pdf(order),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{order.code}.pdf"'},
    )


ORDERS_CSV_HEADER = (
    "order_code",
    "created_at",
    "status",
    "payment_status",
    "payment_method",
    "buyer",
    "phone",
    "address",
    "sku",
    "product",
    "variant",
    "unit_price",
    "quantity",
    "line_total",
    "delivery_fee",
    "order_total",
)


@bp.get("/dashboard/orders/export.csv")
@producer_required
def dashboard_export():
    items = db.session.scalars(
        select(Order).where(Order.producer_id == current_user.producer_id).order_by(Order.id)
    ).all()
    rows = [
        [
            order.code,
            order.created_at.isoformat(),
            order.status,
            order.payment_status,
            order.group.payment_method,
            formula_safe(order.group.name),
            order.group.phone,
            formula_safe(order.group.address),
            line.sku,
            formula_safe(line.product_name),
            formula_safe(line.variant_label),
            line.unit_price,
            line.quantity,
            line.line_total,
            order.delivery_fee,
            order.total,
        ]
        for order in items
        for line in order.lines
    ]
    return Response(
        csv_text(ORDERS_CSV_HEADER, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
    )


@bp.route("/dashboard/delivery", methods=["GET", "POST"])
@producer_required
def dashboard_delivery():
    producer = current_user.producer
    form = DeliveryForm(obj=producer)
    if form.validate_on_submit():
        services.set_delivery(
            producer,
            current_user,
            delivery_fee=form.delivery_fee.data,
            free_delivery_from=form.free_delivery_from.data,
            bank_bin=form.bank_bin.data or None,
            bank_account=form.bank_account.data or None,
            bank_account_name=(form.bank_account_name.data or "").strip() or None,
        )
        flash(_("Delivery and bank account saved."))
        return redirect(url_for("orders.dashboard_delivery"), code=303)
    status = 400 if form.errors else 200
    return render_template("orders/dashboard_delivery.html", form=form), status
