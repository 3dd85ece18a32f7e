"""Demo orders: payment methods and delivery fees for every producer, and a few orders to fulfil."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..accounts.services import find_user
from ..cart.models import Cart, CartItem
from ..catalog.models import Producer, Product, Variant
from ..catalog.services import is_sellable
from ..core.clock import today_in_vietnam
from ..extensions import db
from ..orders import services as orders
from ..orders.models import OrderGroup, OrderStatus
from ..payments.models import ProducerPaymentMethod
from ..places.models import Place
from .accounts import CUSTOMER

# Invented bank details (examples) for the producers whose staff can sign in to the demo.
BANKS = {
    "htx-sx-kd-dich-vu-tong-hop-hong-xuan": ("970405", "2400205123456", "HTX HONG XUAN (VI DU)"),
    "htx-van-huong": ("970436", "0241000123456", "HTX VAN HUONG (VI DU)"),
}
# (checkout token, buyer, producers, payment method, statuses to move the first order through)
ORDERS = [
    (
        "demo-order-1",
        "customer",
        ["htx-sx-kd-dich-vu-tong-hop-hong-xuan", "htx-van-huong"],
        "cod",
        [OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED],
    ),
    ("demo-order-2", "guest", ["htx-sx-kd-dich-vu-tong-hop-hong-xuan"], "vietqr", []),
    (
        "demo-order-3",
        "guest",
        ["htx-sx-kd-dich-vu-tong-hop-hong-xuan"],
        "cod",
        [OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    ),
]


def load_orders() -> None:
    """Enable COD, VietQR and card for every producer, set fees, and place the demo orders."""
    producers = db.session.scalars(select(Producer).order_by(Producer.id)).all()
    enabled = set(
        db.session.execute(select(ProducerPaymentMethod.producer_id, ProducerPaymentMethod.method))
    )
    for index, producer in enumerate(producers):
        for method in ("cod", "vietqr", "card"):
            if (producer.id, method) not in {tuple(row) for row in enabled}:
                db.session.add(ProducerPaymentMethod(producer_id=producer.id, method=method))
        if producer.free_delivery_from is None:
            producer.delivery_fee = (25_000, 30_000, 35_000)[index % 3]
            producer.free_delivery_from = 500_000 if index % 2 == 0 else None
        if producer.slug in BANKS and not producer.bank_account:
            producer.bank_bin, producer.bank_account, producer.bank_account_name = BANKS[
                producer.slug
            ]
    db.session.commit()
    commune = db.session.scalar(
        select(Place).where(Place.era == "current", Place.level == "commune").order_by(Place.name)
    )
    if commune is None:
        return
    with current_app.test_request_context("/"):
        for token, who, slugs, method, moves in ORDERS:
            if db.session.scalar(select(OrderGroup.id).where(OrderGroup.checkout_token == token)):
                continue
            _place(token, who, slugs, method, moves, commune)


def _place(token, who, slugs, method, moves, commune) -> None:
    variants = [v for v in (_first_sellable(slug) for slug in slugs) if v is not None]
    if not variants:
        return
    customer = find_user(CUSTOMER[0]) if who == "customer" else None
    cart = Cart(token=f"demo-cart-{token}", checkout_token=token)
    cart.items = [CartItem(kind="product", variant_id=v.id, quantity=2) for v in variants]
    db.session.add(cart)
    db.session.commit()
    buyer = orders.Buyer(
        name=customer.name if customer else "Lê Thị Mai (ví dụ)",
        phone="0912000111" if customer else "0987000222",
        email=customer.email if customer else None,
        address_line="Thôn Trung, số nhà 12 (ví dụ)",
        place_id=commune.id,
        note="Giao giờ hành chính",
        payment_method=method,
    )
    group = orders.place_order(cart, buyer, token, customer.id if customer else None)
    order = group.orders[0]
    for status in moves:
        orders.move(order, status, carrier="Viettel Post", tracking_number=f"VTP{group.id:06d}")


def _first_sellable(slug: str) -> Variant | None:
    return db.session.scalar(
        select(Variant)
        .join(Product, Product.id == Variant.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(Producer.slug == slug, is_sellable(today_in_vietnam()), Variant.stock > 5)
        .order_by(Variant.id)
    )
