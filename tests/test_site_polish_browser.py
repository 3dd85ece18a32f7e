"""The site header in a real browser: every section reachable, and short on a phone."""

from __future__ import annotations

from playwright.sync_api import expect


def test_phone_header_stays_short_with_every_section(page, live_server, screenshot):
    page.goto(f"{live_server}/")
    nav = page.get_by_role("navigation", name="Chính")
    for name in ("Sản phẩm", "Sự kiện", "Chương trình", "Giỏ hàng"):
        expect(nav.get_by_role("link", name=name)).to_be_attached()
    expect(page.get_by_role("link", name="English")).to_be_in_viewport()
    # Brand with language, one row of menu, the search box: no tall block of wrapped links.
    header = page.locator(".site-header").bounding_box()
    menu = nav.bounding_box()
    assert header is not None and menu is not None
    assert menu["height"] < 40, menu
    assert header["height"] < 150, header
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("phone-header")

    nav.get_by_role("link", name="Sự kiện").click()
    expect(page).to_have_url(f"{live_server}/events")
