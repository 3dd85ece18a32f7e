"""The checkout's side of events: price rule, booth pick-up, gift set lines, tour places."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storefront.core.clock import today_in_vietnam
from storefront.core.errors import UserError
from storefront.events.checkout import (
    book_places,
    bookable_slot,
    event_price_rule,
    gift_set_lines,
    pickup_booths,
    pickup_label,
    stock_wanted,
)
from storefront.events.models import Booth, GiftSet, GiftSetComponent, TourismSlot
from storefront.extensions import db
from tests.conftest import make_product
from tests.test_events_services import make_event


@pytest.fixture(autouse=True)
def _in_a_request(app):
    """These run inside a checkout request; their messages need the visitor's language."""
    with app.test_request_context("/?lang=en"):
        yield


def test_price_rule_defers_when_no_event_applies():
    product = make_product(price=200_000)
    make_event(product, percent=25)
    variant = product.variants[0]
    assert event_price_rule(variant, 1, datetime(2026, 6, 2, 3, tzinfo=UTC)) == 150_000
    assert event_price_rule(variant, 1, datetime(2026, 7, 2, 3, tzinfo=UTC)) is None


def test_pickup_booths_only_for_producers_with_a_booth_at_a_running_fair():
    at_fair = make_product("Nem nướng Liên Chung")
    elsewhere = make_product("Vải thiều")
    event = make_event()
    event.booths.append(Booth(number="B1", producer_id=at_fair.producer_id, x=0, y=0, w=2, h=2))
    db.session.commit()
    during = datetime(2026, 6, 2, 3, tzinfo=UTC)
    booths = pickup_booths([at_fair.producer_id, elsewhere.producer_id], during)
    assert {pid: b.number for pid, b in booths.items()} == {at_fair.producer_id: "B1"}
    assert pickup_label(booths[at_fair.producer_id]) == (
        "Gian B1 · Hội chợ OCOP · Quảng trường 3/2 · 01/06/2026–03/06/2026"
    )
    event.is_online = True
    db.session.commit()
    assert pickup_booths([at_fair.producer_id], during) == {}


def two_producer_gift_set(stock_nem=10, stock_sam=10) -> GiftSet:
    nem = make_product("Nem nướng Liên Chung", price=70_000, stock=stock_nem)
    sam = make_product("Sâm nam núi Dành", price=45_000, stock=stock_sam)
    gift = GiftSet(slug="qua-que", name_vi="Quà quê Liên Chung", price=179_000)
    gift.components = [
        GiftSetComponent(variant_id=nem.variants[0].id, quantity=2),
        GiftSetComponent(variant_id=sam.variants[0].id, quantity=1),
    ]
    db.session.add(gift)
    db.session.commit()
    return gift


def test_gift_set_lines_share_the_price_between_two_producers():
    gift = two_producer_gift_set()
    lines = gift_set_lines(gift.id, 3, today_in_vietnam())
    assert [(line.units_per_set, line.units) for line in lines] == [(2, 6), (1, 3)]
    assert sum(line.share for line in lines) == 179_000
    assert sum(line.total for line in lines) == 3 * 179_000
    assert len({line.variant.product.producer_id for line in lines}) == 2
    # 179.000 shared 140.000 : 45.000 is 135.459,46… and 43.540,54…: the larger remainder
    # (the ginseng's ,54) gets the đồng left over
    assert [line.share for line in lines] == [135_459, 43_541]
    assert stock_wanted(lines) == {lines[0].variant.id: 6, lines[1].variant.id: 3}


def test_gift_set_lines_refuse_more_sets_than_the_components_allow():
    gift = two_producer_gift_set(stock_nem=5)
    assert len(gift_set_lines(gift.id, 2, today_in_vietnam())) == 2
    with pytest.raises(UserError) as refused:
        gift_set_lines(gift.id, 3, today_in_vietnam())
    assert refused.value.code == 409
    assert refused.value.message == "Only 2 of Quà quê Liên Chung left."
    with pytest.raises(UserError):
        gift_set_lines(9999, 1, today_in_vietnam())


def test_tour_places_are_booked_until_the_slot_is_full():
    product = make_product("Du lịch núi Dành", product_set=26)
    now = datetime.now(UTC)
    slot = TourismSlot(product_id=product.id, starts_at=now + timedelta(days=2), capacity=3)
    past = TourismSlot(product_id=product.id, starts_at=now - timedelta(hours=1), capacity=3)
    db.session.add_all([slot, past])
    db.session.commit()
    assert bookable_slot(slot.id, 3, now) is slot
    book_places({slot.id: 2})
    db.session.commit()
    db.session.refresh(slot)
    with pytest.raises(UserError):
        bookable_slot(slot.id, 2, now)
    with pytest.raises(UserError):
        book_places({slot.id: 2})
    db.session.rollback()
    book_places({slot.id: 1})
    db.session.commit()
    db.session.refresh(slot)
    assert slot.places_left == 0
    with pytest.raises(UserError):
        bookable_slot(past.id, 1, now)
