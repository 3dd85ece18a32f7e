"""Event prices at their boundaries, price sharing, gift set stock, tourism capacity, visits."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.events.models import (
    Booth,
    Event,
    EventDailyVisit,
    EventPrice,
    GiftSet,
    GiftSetComponent,
    TourismSlot,
)
from storefront.events.services import (
    SlotFull,
    discounted,
    event_price,
    gift_set_stock,
    pickup_booth,
    record_visit,
    release_capacity,
    reserve_capacity,
    share_price,
)
from storefront.extensions import db
from tests.conftest import make_producer, make_product, postgres_only, revoke


def make_event(product=None, percent=20, **values) -> Event:
    event = Event(
        slug=values.pop("slug", "hoi-cho"),
        name_vi=values.pop("name_vi", "Hội chợ OCOP"),
        starts_on=values.pop("starts_on", date(2026, 6, 1)),
        ends_on=values.pop("ends_on", date(2026, 6, 3)),
        venue="Quảng trường 3/2",
        discount_percent=percent,
        is_published=values.pop("is_published", True),
        **values,
    )
    if product is not None:
        event.prices.append(EventPrice(product_id=product.id))
    db.session.add(event)
    db.session.commit()
    return event


# Event prices: the event's days in Vietnam (UTC+7), both boundaries included.


@pytest.mark.parametrize(
    ("at", "discounted"),
    [
        (datetime(2026, 5, 31, 16, 59, 59, tzinfo=UTC), False),  # 31 May 23:59:59 in Vietnam
        (datetime(2026, 5, 31, 17, 0, 0, tzinfo=UTC), True),  # 1 June 00:00 in Vietnam
        (datetime(2026, 6, 3, 16, 59, 59, tzinfo=UTC), True),  # 3 June 23:59:59 in Vietnam
        (datetime(2026, 6, 3, 17, 0, 0, tzinfo=UTC), False),  # 4 June 00:00 in Vietnam
    ],
)
def test_event_price_applies_on_the_event_days_in_vietnam_only(at, discounted):
    product = make_product(price=125_000)
    event = make_event(product, percent=20)
    price, giver = event_price(product.variants[0], at)
    if discounted:
        assert (price, giver) == (100_000, event)
    else:
        assert (price, giver) == (125_000, None)


def test_event_price_ignores_drafts_and_products_not_chosen():
    chosen = make_product("Mỳ gạo Chũ", price=50_000)
    other = make_product("Mật ong hoa vải", price=80_000)
    make_event(chosen, percent=10, slug="nhap", is_published=False)
    at = datetime(2026, 6, 2, 3, 0, tzinfo=UTC)
    assert event_price(chosen.variants[0], at) == (50_000, None)
    assert event_price(other.variants[0], at) == (80_000, None)


def test_overlapping_events_give_the_lowest_price_in_whole_dong():
    product = make_product(price=99_999)
    make_event(product, percent=10, slug="tuan-hang")
    best = make_event(product, percent=15, slug="hoi-cho-lon")
    price, giver = event_price(product.variants[0], datetime(2026, 6, 2, 5, tzinfo=UTC))
    assert giver == best
    assert price == 99_999 - 99_999 * 15 // 100 == 85_000


def test_event_price_needs_a_time_zone():
    product = make_product()
    with pytest.raises(ValueError):
        event_price(product.variants[0], datetime(2026, 6, 2, 12, 0))


def test_pickup_at_the_booth_only_while_the_event_runs():
    producer = make_producer()
    event = make_event()
    event.booths.append(Booth(number="A1", producer_id=producer.id, x=0, y=0, w=2, h=2))
    db.session.commit()
    assert pickup_booth(producer.id, datetime(2026, 6, 1, 1, tzinfo=UTC)).number == "A1"
    assert pickup_booth(producer.id, datetime(2026, 6, 4, 1, tzinfo=UTC)) is None


# Sharing a gift set's price


@settings(max_examples=300, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=50_000_000),
    weights=st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=1, max_size=8),
)
def test_shares_add_up_to_the_set_price_and_are_never_negative(total, weights):
    shares = share_price(total, weights)
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)
    assert len(shares) == len(weights)
    whole = sum(weights) or len(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = total * (weight if sum(weights) else 1) / whole
        assert abs(share - exact) < 1  # never more than one đồng from the exact proportion


def test_shares_follow_component_prices():
    assert share_price(100_000, [60_000, 30_000, 30_000]) == [50_000, 25_000, 25_000]
    assert share_price(100, [1, 1, 1]) == [34, 33, 33]
    assert share_price(10, [0, 0]) == [5, 5]


def test_share_price_refuses_nonsense():
    for total, weights in ((-1, [1]), (10, []), (10, [5, -1])):
        with pytest.raises(ValueError):
            share_price(total, weights)


def test_gift_set_stock_is_what_its_components_allow():
    nem = make_product("Nem nướng Liên Chung", stock=7)
    sam = make_product("Sâm nam núi Dành", stock=30)
    gift = GiftSet(slug="qua-que", name_vi="Quà quê", price=300_000)
    gift.components = [
        GiftSetComponent(variant_id=nem.variants[0].id, quantity=2),
        GiftSetComponent(variant_id=sam.variants[0].id, quantity=3),
    ]
    db.session.add(gift)
    db.session.commit()
    assert gift_set_stock(gift) == 3  # 7 // 2 nem, 30 // 3 ginseng
    revoke(sam.certificates[0])
    assert gift_set_stock(gift) == 0


# Tourism capacity


def make_slot(capacity=10, booked=0) -> TourismSlot:
    product = make_product("Du lịch núi Dành", product_set=26)
    slot = TourismSlot(
        product_id=product.id,
        starts_at=datetime(2026, 6, 6, 1, tzinfo=UTC),
        capacity=capacity,
        booked=booked,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def test_reserve_capacity_stops_at_capacity_and_changes_nothing_then():
    slot = make_slot(capacity=5)
    reserve_capacity(slot.id, 3)
    with pytest.raises(SlotFull):
        reserve_capacity(slot.id, 3)
    reserve_capacity(slot.id, 2)
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 5
    release_capacity(slot.id, 1)
    db.session.commit()
    db.session.refresh(slot)
    assert slot.places_left == 1
    with pytest.raises(ValueError):
        reserve_capacity(slot.id, 0)


def test_the_database_refuses_overbooking_even_without_the_guard():
    slot = make_slot(capacity=2)
    slot.booked = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@postgres_only
def test_concurrent_bookings_never_exceed_capacity(app):
    slot_id = make_slot(capacity=7).id
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def book():
        with app.app_context():
            barrier.wait()
            try:
                reserve_capacity(slot_id, 1)
                db.session.commit()
                outcomes.append("booked")
            except SlotFull:
                db.session.rollback()
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert outcomes.count("booked") == 7
    assert outcomes.count("full") == 5
    assert db.session.get(TourismSlot, slot_id).booked == 7


# Visits: one counter row per event and day


def test_visits_are_counted_in_one_row_per_day():
    event = make_event()
    for _ in range(3):
        record_visit(event.id, date(2026, 6, 1))
    record_visit(event.id, date(2026, 6, 2))
    rows = db.session.scalars(select(EventDailyVisit).order_by(EventDailyVisit.day)).all()
    assert [(r.day, r.visits) for r in rows] == [(date(2026, 6, 1), 3), (date(2026, 6, 2), 1)]


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(percent=st.integers(min_value=0, max_value=90), price=st.integers(0, 10_000_000))
def test_event_price_is_never_negative_nor_above_the_list_price(percent, price):
    assert 0 <= discounted(price, percent) <= price
