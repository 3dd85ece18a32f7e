"""In the browser: a gift set from two producers, and a tour date booked until it is full."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import OrderGroup
from tests.orders_support import fill_checkout_page, make_shop
from tests.test_events_orders import make_tour, two_producer_gift_set


def checkout(page, commune) -> None:
    page.click("p.actions a.button")
    fill_checkout_page(page, commune)
    page.click("form.checkout-form button[type=submit]")


def test_buying_a_gift_set_from_two_producers(page, live_server, screenshot):
    honey, lychee, commune = make_shop(stock=10)
    two_producer_gift_set(honey, lychee)
    page.goto(f"{live_server}/gift-sets/qua-bac-giang")
    screenshot("gift-set")
    page.fill("#add-quantity", "2")
    page.click("form.add-to-cart button[type=submit]")
    assert page.locator("section.producer-part").count() == 2
    screenshot("cart")
    checkout(page, commune)
    page.wait_for_selector("h1")
    db.session.expire_all()
    group = db.session.scalar(select(OrderGroup))
    assert group is not None and len(group.orders) == 2
    assert group.code in page.text_content("h1")
    assert sum(o.subtotal for o in group.orders) == 600_000
    screenshot("ordered")


def test_booking_a_tour_date_until_it_is_full(page, live_server, screenshot):
    _honey, _lychee, commune = make_shop()
    slot = make_tour(capacity=3)
    slug = slot.product.slug
    for places in ("2", "1"):
        page.goto(f"{live_server}/products/{slug}")
        screenshot(f"open-{places}")
        page.fill(f"form:has(input[name=slot_id][value='{slot.id}']) input[name=quantity]", places)
        page.click(f"form:has(input[name=slot_id][value='{slot.id}']) button")
        checkout(page, commune)
        page.wait_for_selector("h1")
    page.goto(f"{live_server}/products/{slug}")
    assert page.locator(".slots .full").count() == 1
    assert page.locator("input[name=slot_id]").count() == 0
    screenshot("full")
    db.session.expire_all()
    db.session.refresh(slot)
    assert slot.booked == 3
