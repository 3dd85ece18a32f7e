"""The catalog in a real browser (Chromium, phone-sized): search, filter, product, language."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from storefront.demo.commands import load_all
from tests.conftest import ARTIFACTS


def test_search_filter_open_a_product_and_switch_to_english(page, live_server, screenshot):
    load_all()
    page.goto(f"{live_server}/")
    screenshot("0-home")
    page.get_by_label("Tìm sản phẩm, chủ thể hoặc địa phương").fill("vai thieu")
    page.get_by_role("button", name="Tìm").last.click()
    expect(page.get_by_role("heading", name="Kết quả cho “vai thieu”")).to_be_visible()
    cards = page.locator(".results .card h3")
    expect(cards.first).to_have_text("Vải thiều Lục Ngạn")
    expect(cards).to_have_count(2)
    screenshot("1-search-without-accents")

    page.goto(f"{live_server}/products")
    page.get_by_role("checkbox", name=re.compile("5 sao")).check()
    page.get_by_role("button", name="Xem sản phẩm").click()
    expect(page).to_have_url(re.compile(r"stars=5"))
    expect(page.locator(".chips")).to_contain_text("5 sao")
    labels = page.locator(".results .card .stars").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert labels and all(label == "OCOP 5 sao" for label in labels), labels
    screenshot("2-filtered-5-stars")

    page.locator(".results .card a").first.click()
    expect(page.locator("h1")).to_have_text("Vải thiều Lục Ngạn")
    expect(page.locator(".badge-row .stars")).to_be_visible()
    expect(page.get_by_role("heading", name="Chứng nhận OCOP")).to_be_visible()
    screenshot("3-product")

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Lục Ngạn lychee")
    expect(page.get_by_role("heading", name="OCOP certificate")).to_be_visible()
    expect(page.locator(".variants")).to_contain_text("₫")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot("4-product-in-english")


def test_a_revoked_product_explains_itself(page, live_server, screenshot):
    load_all()
    page.goto(f"{live_server}/products/snack-gao-joy-sot-cay-ngot")
    expect(page.get_by_role("alert")).to_contain_text("thu hồi")
    expect(page.locator(".badge-row .stars")).to_have_count(0)
    screenshot("revoked")


def test_desktop_pages(browser, live_server):
    """Desktop-width screenshots of the main pages, kept with the test artifacts."""
    load_all()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        desktop = context.new_page()
        for name, path in [
            ("home", "/"),
            ("listing", "/products?group=food"),
            ("product", "/products/vai-thieu-luc-ngan"),
            ("producer", "/producers/htx-van-huong"),
        ]:
            response = desktop.goto(f"{live_server}{path}")
            assert response is not None and response.status == 200, path
            expect(desktop.locator("h1")).to_be_visible()
            desktop.screenshot(path=str(ARTIFACTS / f"desktop-{name}.png"), full_page=True)
    finally:
        context.close()
