"""Browser: the event page on a phone, with its floor plan."""

from __future__ import annotations

from tests.test_events_pages import fair_with_booth


def test_event_page_on_a_phone_shows_the_floor_plan(page, live_server, screenshot):
    fair_with_booth()
    page.goto(f"{live_server}/events/hoi-cho-ocop")
    plan = page.locator("svg.floor-plan")
    plan.scroll_into_view_if_needed()
    box = plan.bounding_box()
    assert box is not None and 300 < box["width"] <= 390  # fills the phone's width, no overflow
    assert page.locator("#booth-B1 text").first.text_content() == "B1"
    assert page.get_by_role("img", name="Sơ đồ gian hàng của Hội chợ OCOP Bắc Giang").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("link", name="Nem nướng Liên Chung", exact=True).is_visible()
    screenshot("phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("desktop")
