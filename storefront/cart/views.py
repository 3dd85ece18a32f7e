"""The cart page and its actions; the header's item count."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import user_logged_in

from ..catalog.models import Product
from ..catalog.services import is_sellable
from ..core.errors import UserError
from ..core.i18n import localized
from ..extensions import db
from ..orders.pricing import split_by_producer
from . import services

bp = Blueprint("cart", __name__)


@user_logged_in.connect
def _merge_on_login(sender, user, **extra) -> None:
    services.merge_guest_cart(user.id)


@bp.app_context_processor
def _cart_helpers() -> dict:
    return {"cart_count": services.count_for_visitor, "product_is_sellable": product_is_sellable}


def product_is_sellable(product: Product, today: date) -> bool:
    """For the add-to-cart form when the page did not say: listed, certified, producer active."""
    return (
        db.session.scalar(db.select(Product.id).where(Product.id == product.id, is_sellable(today)))
        is not None
    )


@bp.get("/cart")
def view():
    cart = services.current_cart()
    parts = []
    if cart is not None:
        for problem in services.review(cart):
            flash(problem, "warning")
        parts = split_by_producer(services.lines(cart))
    return render_template("cart/cart.html", parts=parts, cart=cart)


@bp.post("/cart/add")
def add():
    variant_id = services.parse_id(request.form.get("variant_id"))
    quantity = services.parse_quantity(request.form.get("quantity", "1"))
    cart = services.current_cart(create=True)
    item = services.add_item(cart, variant_id, quantity)
    flash(_("Added to your cart: %(name)s.", name=localized(item.variant.product, "name")))
    return redirect(url_for("cart.view"), code=303)


@bp.post("/cart/add-gift-set")
def add_gift_set():
    gift_set_id = services.parse_id(request.form.get("gift_set_id"))
    sets = services.parse_quantity(request.form.get("quantity", "1"))
    cart = services.current_cart(create=True)
    services.add_gift_set(cart, gift_set_id, sets)
    flash(_("The gift set is in your cart."))
    return redirect(url_for("cart.view"), code=303)


@bp.post("/cart/add-tour")
def add_tour():
    slot_id = services.parse_id(request.form.get("slot_id"))
    places = services.parse_quantity(request.form.get("quantity", "1"))
    cart = services.current_cart(create=True)
    services.add_tour(cart, slot_id, places)
    flash(_("Your places are in your cart; they are held once you check out."))
    return redirect(url_for("cart.view"), code=303)


@bp.post("/cart/items/<int:item_id>")
def update(item_id: int):
    cart = services.current_cart()
    if cart is None:
        raise UserError(_("Your cart has expired or is empty. Please add the products again."))
    if request.form.get("remove"):
        services.remove_item(cart, item_id)
    else:
        services.set_quantity(cart, item_id, services.parse_quantity(request.form.get("quantity")))
    return redirect(url_for("cart.view"), code=303)
