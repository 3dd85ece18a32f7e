"""Builders shared by the cart, checkout, order and payment tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from sqlalchemy import select

from storefront.catalog.models import Producer, Variant
from storefront.extensions import db
from storefront.orders.models import Order, OrderGroup
from storefront.payments.models import CardPayment, ProducerPaymentMethod
from storefront.places.models import Place
from tests.conftest import csrf_token_from, make_producer, make_product, row_count

SECRET = "whsec_test_orders"  # the Stripe webhook signing secret in tests


def make_commune() -> Place:
    """A current (2025) province and one of its communes."""
    province = db.session.scalar(
        select(Place).where(Place.era == "current", Place.level == "province")
    )
    if province is None:
        province = Place(
            era="current",
            level="province",
            code="24",
            name="Tỉnh Bắc Ninh",
            short_name="Bắc Ninh",
            slug="tinh-bac-ninh",
            search_key="tinh bac ninh",
        )
        db.session.add(province)
        db.session.flush()
    commune = Place(
        era="current",
        level="commune",
        code="07330",
        name="Xã Phúc Hòa",
        short_name="Phúc Hòa",
        slug="xa-phuc-hoa",
        search_key="xa phuc hoa",
        parent_id=province.id,
    )
    db.session.add(commune)
    db.session.commit()
    return commune


def enable(producer: Producer, *methods: str) -> None:
    for method in methods or ("cod", "vietqr", "card"):
        db.session.add(ProducerPaymentMethod(producer_id=producer.id, method=method))
    db.session.commit()


def make_shop(stock: int = 50, methods: tuple[str, ...] = ("cod", "vietqr")):
    """Two producers with one product each; returns (variant_a, variant_b, commune)."""
    honey_farm = make_producer("HTX Mật ong Yên Thế", email="mat-ong@example.vn")
    lychee_farm = make_producer(
        "HTX Vải thiều Lục Ngạn", delivery_fee=25_000, free_delivery_from=500_000
    )
    honey = make_product("Mật ong rừng Yên Thế", producer=honey_farm, price=150_000, stock=stock)
    lychee = make_product("Vải thiều sấy khô", producer=lychee_farm, price=200_000, stock=stock)
    if methods:
        enable(honey_farm, *methods)
        enable(lychee_farm, *methods)
    return honey.variants[0], lychee.variants[0], make_commune()


def add(client, variant: Variant | int, quantity: int | str = 1):
    variant_id = variant if isinstance(variant, int) else variant.id
    return client.post(
        "/cart/add?lang=en", data={"variant_id": str(variant_id), "quantity": str(quantity)}
    )


def checkout_form(client, place: Place, **overrides) -> dict:
    """The checkout form as the page renders it (with its one-time token), filled in."""
    page = client.get("/checkout")
    assert page.status_code == 200, page.get_data(as_text=True)[:400]
    html = page.get_data(as_text=True)
    token = html.split('name="checkout_token" type="hidden" value="')[1].split('"')[0]
    data = {
        "csrf_token": csrf_token_from(html),
        "checkout_token": token,
        "name": "Nguyễn Thị Hoa",
        "phone": "0912 345 678",
        "email": "hoa@example.vn",
        "province": str(place.parent_id),
        "commune": str(place.id),
        "address_line": "Số 5, thôn Đồng",
        "note": "Gọi trước khi giao",
        "payment_method": "cod",
    }
    data.update(overrides)
    return data


def fill_checkout_page(page, commune: Place, method: str = "cod", name: str = "Nguyễn Thị Hoa"):
    """In the browser, fill the checkout form as a buyer would; the caller submits it."""
    page.fill("#name", name)
    page.fill("#phone", "0912 345 678")
    page.select_option("#province", str(commune.parent_id))
    page.select_option("#commune", str(commune.id))
    page.fill("#address_line", "Số 5, thôn Đồng")
    page.check(f"input[name=payment_method][value={method}]")


def counts() -> tuple[int, int]:
    return (
        row_count(OrderGroup),
        row_count(Order),
    )


def stock_of(variant: Variant) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).stock


def place(client, place_: Place, *variants: Variant, method: str = "cod", **form) -> OrderGroup:
    """Buy one of each variant through the real pages; returns the order group."""
    for variant in variants:
        assert add(client, variant, 1).status_code == 303
    response = client.post(
        "/checkout", data=checkout_form(client, place_, payment_method=method, **form)
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:600]
    code = response.headers["Location"].rsplit("/", 1)[1]
    db.session.expire_all()
    return db.session.scalar(select(OrderGroup).where(OrderGroup.code == code))


def use_stripe_test_keys(app, monkeypatch) -> dict:
    """Turn card payments on with test keys for this test; returns the app config."""
    for key, value in {
        "STRIPE_SECRET_KEY": "sk_test_orders",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_orders",
        "STRIPE_WEBHOOK_SECRET": SECRET,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return app.config


def place_card_order(client, intent_id: str) -> OrderGroup:
    """A shop of two producers, an order group paid by card, and its open payment intent."""
    honey, lychee, commune = make_shop(methods=("card",))
    group = place(client, commune, honey, lychee, method="card")
    db.session.add(
        CardPayment(
            group_id=group.id,
            intent_id=intent_id,
            client_secret=f"{intent_id}_secret",
            amount=group.total,
            status="requires_payment_method",
        )
    )
    db.session.commit()
    return group


def sign(body: bytes, secret: str = SECRET, at: int | None = None) -> str:
    at = at or int(time.time())
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def event(kind: str, intent_id: str, amount: int, event_id: str = "evt_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": amount,
                    "amount_received": amount if kind.endswith("succeeded") else 0,
                    "currency": "vnd",
                    "last_payment_error": {"message": "Your card was declined."}
                    if kind.endswith("failed")
                    else None,
                }
            },
        }
    ).encode()
