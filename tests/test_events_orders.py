"""Events and the checkout together: event prices at checkout, the event report's orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import Variant
from storefront.core.clock import today_in_vietnam
from storefront.events.models import (
    Booth,
    Event,
    EventParticipant,
    EventPrice,
    GiftSet,
    GiftSetComponent,
    TourismSlot,
)
from storefront.extensions import db
from storefront.orders.models import OrderGroup
from tests.conftest import login, make_producer, make_product, make_user
from tests.orders_support import add, checkout_form, enable, make_shop


def test_event_price_is_charged_at_checkout_and_counted_in_the_report(client):
    honey, lychee, commune = make_shop()
    today = today_in_vietnam()
    fair = Event(
        slug="hoi-cho",
        name_vi="Hội chợ",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        venue="Quảng trường 3/2",
        discount_percent=20,
        is_published=True,
    )
    fair.prices.append(EventPrice(product_id=honey.product_id))
    fair.participants.append(
        EventParticipant(producer_id=honey.product.producer_id, status="accepted")
    )
    db.session.add(fair)
    db.session.commit()
    add(client, honey, 2)
    add(client, lychee, 1)
    assert "₫120,000" in client.get("/cart").get_data(as_text=True)
    form = checkout_form(client, commune, unit_price="1")
    assert client.post("/checkout", data=form).status_code == 303
    group = db.session.scalar(select(OrderGroup))
    honey_order = next(o for o in group.orders if o.producer_id == honey.product.producer_id)
    assert (honey_order.lines[0].unit_price, honey_order.subtotal) == (120_000, 240_000)
    lychee_order = next(o for o in group.orders if o is not honey_order)
    assert lychee_order.lines[0].unit_price == 200_000  # not chosen for the event price
    office = make_user(Role.OFFICE)
    client.post("/logout")
    login(client, office)
    report = client.get(f"/office/events/{fair.id}/report?lang=en").get_data(as_text=True)
    assert "HTX Mật ong Yên Thế" in report
    assert "₫240,000" in report


def two_producer_gift_set(honey, lychee, price=300_000) -> GiftSet:
    gift = GiftSet(slug="qua-bac-giang", name_vi="Quà Bắc Giang", price=price)
    gift.components = [
        GiftSetComponent(variant_id=honey.id, quantity=1),
        GiftSetComponent(variant_id=lychee.id, quantity=2),
    ]
    db.session.add(gift)
    db.session.commit()
    return gift


def test_a_gift_set_from_two_producers_splits_into_their_orders_with_shared_prices(client):
    honey, lychee, commune = make_shop(stock=10)
    gift = two_producer_gift_set(honey, lychee)
    response = client.post("/cart/add-gift-set", data={"gift_set_id": gift.id, "quantity": 2})
    assert response.status_code == 303
    assert client.post("/checkout", data=checkout_form(client, commune)).status_code == 303
    group = db.session.scalar(select(OrderGroup))
    by_producer = {o.producer_id: o for o in group.orders}
    honey_line = by_producer[honey.product.producer_id].lines[0]
    lychee_line = by_producer[lychee.product.producer_id].lines[0]
    # 300.000 shared 150.000 : 400.000 → 81.818 and 218.182 per set
    assert (honey_line.kind, honey_line.unit_price, honey_line.quantity) == ("gift_set", 81_818, 2)
    assert (lychee_line.unit_price, lychee_line.quantity) == (218_182, 2)
    assert honey_line.line_total + lychee_line.line_total == 2 * 300_000
    assert honey_line.ref_id == gift.id
    db.session.expire_all()
    assert (db.session.get(Variant, honey.id).stock, db.session.get(Variant, lychee.id).stock) == (
        8,
        6,
    )


def test_more_gift_sets_than_the_components_allow_are_refused(client):
    honey, lychee, _commune = make_shop(stock=3)
    gift = two_producer_gift_set(honey, lychee)
    response = client.post(
        "/cart/add-gift-set?lang=en", data={"gift_set_id": gift.id, "quantity": 2}
    )
    assert response.status_code == 409
    assert "Only 1 of Quà Bắc Giang left." in response.get_data(as_text=True)


def make_tour(capacity=3) -> TourismSlot:
    producer = make_producer("HTX Sâm nam núi Dành")
    tour = make_product("Du lịch núi Dành", producer=producer, product_set=26, price=350_000)
    enable(producer, "cod")
    slot = TourismSlot(
        product_id=tour.id, starts_at=datetime.now(UTC) + timedelta(days=5), capacity=capacity
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def test_tour_places_are_booked_at_checkout_until_the_slot_is_full(client):
    _honey, _lychee, commune = make_shop()
    slot = make_tour(capacity=3)
    assert (
        client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": 2}).status_code == 303
    )
    assert client.post("/checkout", data=checkout_form(client, commune)).status_code == 303
    db.session.refresh(slot)
    assert slot.booked == 2
    line = db.session.scalar(select(OrderGroup)).orders[0].lines[0]
    assert (line.kind, line.ref_id, line.quantity, line.unit_price) == ("tour", slot.id, 2, 350_000)
    refused = client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": 2})
    assert refused.status_code == 409
    assert "Lịch này chỉ còn 1 chỗ." in refused.get_data(as_text=True)
    assert (
        client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": 1}).status_code == 303
    )
    assert client.post("/checkout", data=checkout_form(client, commune)).status_code == 303
    db.session.refresh(slot)
    assert slot.places_left == 0
    full = client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": 1})
    assert full.status_code == 409 and "Lịch này đã kín chỗ." in full.get_data(as_text=True)


def test_a_slot_filled_by_someone_else_before_checkout_is_explained(client):
    _honey, _lychee, commune = make_shop()
    slot = make_tour(capacity=2)
    client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": 2})
    form = checkout_form(client, commune)
    slot.booked = 1
    db.session.commit()
    response = client.post("/checkout", data=form)
    assert response.status_code == 409
    db.session.refresh(slot)
    assert slot.booked == 1
    assert db.session.scalar(select(OrderGroup)) is None


def test_pick_up_at_the_booth_while_the_fair_runs(client):
    honey, lychee, commune = make_shop()
    today = today_in_vietnam()
    fair = Event(
        slug="hoi-cho",
        name_vi="Hội chợ OCOP",
        starts_on=today,
        ends_on=today + timedelta(days=2),
        venue="Quảng trường 3/2",
        is_published=True,
    )
    fair.booths.append(
        Booth(number="B1", producer_id=honey.product.producer_id, x=0, y=0, w=2, h=2)
    )
    db.session.add(fair)
    db.session.commit()
    add(client, honey, 1)
    add(client, lychee, 1)
    page = client.get("/checkout").get_data(as_text=True)
    assert 'name="pickup"' in page and "B1" in page
    form = checkout_form(client, commune)
    form["pickup"] = [str(honey.product.producer_id), str(lychee.product.producer_id)]
    assert client.post("/checkout", data=form).status_code == 303
    group = db.session.scalar(select(OrderGroup))
    by_producer = {o.producer_id: o for o in group.orders}
    honey_order = by_producer[honey.product.producer_id]
    lychee_order = by_producer[lychee.product.producer_id]
    assert honey_order.delivery_fee == 0
    assert honey_order.pickup_at.startswith("Gian B1 · Hội chợ OCOP")
    # The lychee producer has no booth: the request to pick up there is ignored.
    assert (lychee_order.pickup_at, lychee_order.delivery_fee) == (None, 25_000)
    assert group.total == 150_000 + 200_000 + 25_000
