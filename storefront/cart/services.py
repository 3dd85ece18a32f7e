"""Cart services: the visitor's cart, adding and changing lines, checking them against stock."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from flask import current_app, session
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..catalog.models import Product, Variant
from ..catalog.services import is_sellable
from ..core.clock import as_utc, today_in_vietnam, utcnow
from ..core.errors import UserError
from ..core.i18n import localized
from ..events import checkout as events_checkout
from ..events.models import GiftSet
from ..events.services import gift_set_stock
from ..extensions import db
from ..orders.pricing import Line, list_price, price_line
from .models import Cart, CartItem

SESSION_KEY = "cart"
MAX_QUANTITY = 99


def parse_quantity(raw: object) -> int:
    """A quantity typed or posted by a visitor: a whole number from 1 to MAX_QUANTITY."""
    text = str(raw if raw is not None else "").strip()
    if not text.lstrip("-").isdigit() or len(text) > 6:
        raise UserError(_("Please enter the quantity as a whole number."))
    quantity = int(text)
    if quantity < 1:
        raise UserError(_("The quantity must be at least 1."))
    if quantity > MAX_QUANTITY:
        raise UserError(_("You can buy at most %(n)d of one item.", n=MAX_QUANTITY))
    return quantity


def parse_id(raw: object) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 12:
        raise UserError(_("Please choose a product option."))
    return int(text)


def _expired(cart: Cart) -> bool:
    updated = cart.updated_at
    if updated.tzinfo is None:  # SQLite returns naive UTC
        updated = updated.replace(tzinfo=UTC)
    return updated < utcnow() - timedelta(days=current_app.config.get("CART_TTL_DAYS", 30))


def current_cart(create: bool = False) -> Cart | None:
    """The signed-in customer's cart, or the guest cart named in the session (None if none)."""
    if current_user.is_authenticated:
        cart = db.session.scalar(select(Cart).where(Cart.user_id == current_user.id))
    else:
        token = session.get(SESSION_KEY)
        cart = db.session.scalar(select(Cart).where(Cart.token == token)) if token else None
        if cart is not None and _expired(cart):
            db.session.delete(cart)
            db.session.commit()
            cart = None
    if cart is None and create:
        cart = Cart(
            token=secrets.token_urlsafe(32),
            user_id=current_user.id if current_user.is_authenticated else None,
        )
        db.session.add(cart)
        db.session.flush()
        if not current_user.is_authenticated:
            session[SESSION_KEY] = cart.token
    return cart


def cart_by_token(token: str) -> Cart | None:
    """A guest cart by its token, unless it has expired."""
    cart = db.session.scalar(select(Cart).where(Cart.token == token))
    return None if cart is None or _expired(cart) else cart


def sellable_variant(variant_id: int, today: date) -> Variant | None:
    """The active variant if its product may be sold today (listed, certified, producer active)."""
    return db.session.scalar(
        select(Variant)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.id == variant_id, Variant.is_active.is_(True), is_sellable(today))
    )


def sellable_ids(variant_ids: set[int], today: date) -> set[int]:
    """Which of these variants may be sold today, in one query."""
    if not variant_ids:
        return set()
    return set(
        db.session.scalars(
            select(Variant.id)
            .join(Product, Product.id == Variant.product_id)
            .where(Variant.id.in_(variant_ids), Variant.is_active.is_(True), is_sellable(today))
        )
    )


def touch(cart: Cart) -> None:
    """The cart changed: it lives longer, and any open checkout page is out of date."""
    cart.updated_at = utcnow()
    cart.checkout_token = None


def add_item(cart: Cart, variant_id: int, quantity: int, today: date | None = None) -> CartItem:
    """Add units of a variant that may be sold and is in stock; raises UserError otherwise."""
    variant = sellable_variant(variant_id, today or today_in_vietnam())
    if variant is None:
        raise UserError(_("This product cannot be bought at the moment."), 409)
    item = next((i for i in cart.items if i.variant_id == variant.id and i.kind == "product"), None)
    wanted = quantity + (item.quantity if item else 0)
    if wanted > MAX_QUANTITY:
        raise UserError(_("You can buy at most %(n)d of one item.", n=MAX_QUANTITY))
    _check_stock(variant, wanted)
    if item is None:
        item = CartItem(kind="product", variant=variant, quantity=wanted)
        cart.items.append(item)
    else:
        item.quantity = wanted
    touch(cart)
    db.session.commit()
    return item


def add_gift_set(cart: Cart, gift_set_id: int, sets: int, today: date | None = None) -> CartItem:
    """Add gift sets; their components' stock must allow them (UserError otherwise)."""
    item = next((i for i in cart.items if i.kind == "gift_set" and i.ref_id == gift_set_id), None)
    wanted = sets + (item.quantity if item else 0)
    if wanted > MAX_QUANTITY:
        raise UserError(_("You can buy at most %(n)d of one item.", n=MAX_QUANTITY))
    lines = events_checkout.gift_set_lines(gift_set_id, wanted, today or today_in_vietnam())
    if item is None:
        # The first component's variant anchors the item; its lines come from the gift set.
        item = CartItem(kind="gift_set", variant=lines[0].variant, ref_id=gift_set_id, quantity=0)
        cart.items.append(item)
    item.quantity = wanted
    touch(cart)
    db.session.commit()
    return item


def add_tour(cart: Cart, slot_id: int, places: int) -> CartItem:
    """Add places on a tourism slot that has them left (UserError otherwise)."""
    item = next((i for i in cart.items if i.kind == "tour" and i.ref_id == slot_id), None)
    wanted = places + (item.quantity if item else 0)
    if wanted > MAX_QUANTITY:
        raise UserError(_("You can buy at most %(n)d of one item.", n=MAX_QUANTITY))
    slot = events_checkout.bookable_slot(slot_id, wanted, utcnow())
    ticket = next((v for v in slot.product.variants if v.is_active), None)
    if ticket is None:
        raise UserError(_("This product cannot be bought at the moment."), 409)
    if item is None:
        item = CartItem(kind="tour", variant=ticket, ref_id=slot_id, quantity=0)
        cart.items.append(item)
    item.quantity = wanted
    touch(cart)
    db.session.commit()
    return item


def _check_item(item: CartItem, quantity: int) -> None:
    """Whether ``quantity`` of the item can be had: stock, sets the components allow, places."""
    if item.kind == "gift_set":
        events_checkout.gift_set_lines(item.ref_id, quantity, today_in_vietnam())
    elif item.kind == "tour":
        events_checkout.bookable_slot(item.ref_id, quantity, utcnow())
    else:
        _check_stock(item.variant, quantity)


def _available(item: CartItem, today: date) -> int:
    """How many of the item can be bought now (0 when it no longer can)."""
    if item.kind == "gift_set":
        gift_set = db.session.get(GiftSet, item.ref_id)
        return gift_set_stock(gift_set, today) if gift_set is not None else 0
    if item.kind == "tour":
        try:
            return events_checkout.bookable_slot(item.ref_id, 1, utcnow()).places_left
        except UserError:
            return 0
    if sellable_variant(item.variant_id, today) is None:
        return 0
    return item.variant.stock


def _check_stock(variant: Variant, wanted: int) -> None:
    if variant.stock < wanted:
        name = f"{localized(variant.product, 'name')} ({localized(variant, 'label')})"
        if variant.stock == 0:
            raise UserError(_("%(name)s is sold out.", name=name), 409)
        raise UserError(_("Only %(n)d of %(name)s left in stock.", n=variant.stock, name=name), 409)


def _item(cart: Cart, item_id: int) -> CartItem:
    item = next((i for i in cart.items if i.id == item_id), None)
    if item is None:
        raise UserError(_("That item is no longer in your cart."), 404)
    return item


def set_quantity(cart: Cart, item_id: int, quantity: int) -> None:
    item = _item(cart, item_id)
    _check_item(item, quantity)
    item.quantity = quantity
    touch(cart)
    db.session.commit()


def remove_item(cart: Cart, item_id: int) -> None:
    cart.items.remove(_item(cart, item_id))
    touch(cart)
    db.session.commit()


def review(cart: Cart, today: date | None = None) -> list[str]:
    """Drop lines that can no longer be sold and trim those above stock; say what changed.

    Commits the updated cart, so the visitor sees the same cart the next step will check.
    """
    today = today or today_in_vietnam()
    problems: list[str] = []
    sellable = sellable_ids({item.variant_id for item in cart.items}, today)
    for item in list(cart.items):
        name = _item_name(item)
        available = _available(item, today)
        if item.kind == "product" and item.variant_id not in sellable:
            problems.append(
                _("%(name)s can no longer be bought and was removed from your cart.", name=name)
            )
            cart.items.remove(item)
        elif available == 0:
            problems.append(_("%(name)s is sold out and was removed from your cart.", name=name))
            cart.items.remove(item)
        elif item.quantity > available:
            item.quantity = available
            problems.append(
                _("Only %(n)d of %(name)s left: your cart was updated.", n=item.quantity, name=name)
            )
    if problems:
        touch(cart)
        db.session.commit()
    return problems


def _item_name(item: CartItem) -> str:
    if item.kind == "gift_set":
        gift_set = db.session.get(GiftSet, item.ref_id)
        return localized(gift_set, "name") if gift_set is not None else ""
    return f"{localized(item.variant.product, 'name')} ({localized(item.variant, 'label')})"


def lines(cart: Cart, at: datetime | None = None) -> list[Line]:
    """The cart's lines priced now by the server (never from anything posted).

    A gift set gives one line per component, priced at its share of the set price, so each
    producer's part gets its own components; a tour gives a line for its places.
    """
    at = at or utcnow()
    result: list[Line] = []
    for item in cart.items:
        if item.kind == "gift_set":
            for part in events_checkout.gift_set_lines(item.ref_id, item.quantity, at.date()):
                label = (
                    f"{localized(part.gift_set, 'name')} · {localized(part.variant, 'label')}"
                    f" × {part.units_per_set}"
                )
                result.append(
                    Line(
                        "gift_set",
                        part.variant,
                        item.quantity,
                        part.share,
                        item.id,
                        part.units_per_set,
                        item.ref_id,
                        label,
                    )
                )
        elif item.kind == "tour":
            slot = events_checkout.bookable_slot(item.ref_id, item.quantity, at)
            when = format_datetime(as_utc(slot.starts_at), "short")
            label = f"{localized(item.variant, 'label')} · {when}"
            price = list_price(item.variant, item.quantity, at)
            result.append(
                Line("tour", item.variant, item.quantity, price, item.id, 0, item.ref_id, label)
            )
        else:
            line = price_line(item.variant, item.quantity, at, item.kind)
            line.item_id = item.id
            result.append(line)
    return result


def count_for_visitor() -> int:
    """Units in the visitor's cart, for the header (no query for guests without a cart)."""
    if not current_user.is_authenticated and not session.get(SESSION_KEY):
        return 0
    cart = current_cart()
    return cart.count if cart is not None else 0


def merge_guest_cart(user_id: int) -> None:
    """On sign-in, move the guest cart's lines into the customer's cart (capped at stock)."""
    token = session.pop(SESSION_KEY, None)
    if not token:
        return
    guest = cart_by_token(token)
    if guest is None or guest.user_id is not None:
        return
    mine = db.session.scalar(select(Cart).where(Cart.user_id == user_id))
    if mine is None:
        guest.user_id = user_id
        touch(guest)
        db.session.commit()
        return
    for item in guest.items:
        existing = next(
            (
                i
                for i in mine.items
                if (i.kind, i.variant_id, i.ref_id) == (item.kind, item.variant_id, item.ref_id)
            ),
            None,
        )
        total = min(
            item.quantity + (existing.quantity if existing else 0),
            MAX_QUANTITY,
            max(_available(item, today_in_vietnam()), 1),
        )
        if existing is None:
            mine.items.append(
                CartItem(
                    kind=item.kind, variant_id=item.variant_id, ref_id=item.ref_id, quantity=total
                )
            )
        else:
            existing.quantity = total
    db.session.delete(guest)
    touch(mine)
    db.session.commit()
