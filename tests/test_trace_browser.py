"""The scan page in a phone-sized browser, in both languages, with screenshots to look at."""

import io

from PIL import Image, ImageDraw

from storefront.catalog.images import store_image
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from tests.trace_helpers import make_batch, make_stamps


def _photo(product) -> None:
    image = Image.new("RGB", (800, 600), (196, 40, 60))
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 90):
        draw.ellipse((x, 200, x + 80, 280), fill=(150, 20, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    stored = store_image(out.getvalue())
    db.session.add(
        ProductImage(
            product_id=product.id,
            path=stored.path,
            thumb_path=stored.thumb_path,
            width=stored.width,
            height=stored.height,
            alt_vi="Vải thiều",
            alt_en="Lychee",
        )
    )
    db.session.commit()


def test_scan_page_on_a_phone_in_vietnamese_and_english(page, live_server, screenshot):
    batch = make_batch()
    _photo(batch.product)
    stamps, _ = make_stamps(batch, 2, with_pin=True)
    page.goto(f"{live_server}/T/{stamps[0].code}")
    verdict = page.locator(".verdict h1")
    assert verdict.inner_text() == "Tem OCOP chính hãng"
    assert page.locator("ol.tl li").count() == 3
    assert page.locator(".stars").first.is_visible()
    box = verdict.bounding_box()
    assert box["y"] < 300  # the verdict is the first thing on the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot("vi")
    page.goto(f"{live_server}/t/{stamps[0].code.lower()}?lang=en")
    assert page.locator(".verdict h1").inner_text() == "Genuine OCOP stamp"
    assert "Checked on 1 device" in page.locator(".verdict").inner_text()
    assert "Harvested" in page.locator("ol.tl").inner_text()
    screenshot("en")


def test_forged_and_recalled_pages_on_a_phone(page, live_server, screenshot):
    batch = make_batch()
    stamps, _ = make_stamps(batch, 1)
    page.goto(f"{live_server}/t/{'7' * 20}?lang=en")
    assert "This is not a genuine OCOP stamp" in page.locator("h1").inner_text()
    screenshot("forged")
    from datetime import UTC, datetime

    batch.recalled_at = datetime.now(UTC)
    batch.recall_reason = "Phát hiện tồn dư thuốc bảo vệ thực vật vượt ngưỡng."
    db.session.commit()
    page.goto(f"{live_server}/t/{stamps[0].code}?lang=vi")
    assert page.locator(".verdict h1").inner_text() == "Lô hàng này đã bị thu hồi"
    screenshot("recalled")


def test_producer_prints_stamps_and_the_page_refreshes_until_ready(page, live_server, screenshot):
    from storefront.accounts.models import Role
    from tests.conftest import PASSWORD, make_user

    batch = make_batch()
    owner = make_user(Role.PRODUCER, producer=batch.product.producer)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/login?lang=en")
    page.fill("input[name=email]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.goto(f"{live_server}/dashboard/batches/{batch.id}")
    screenshot("batch")
    page.fill("input[name=count]", "120")
    page.select_option("select[name=layout]", "a4")
    page.click("text=Issue and render")
    page.wait_for_selector("text=Download the stamps", timeout=20000)
    screenshot("run")
    with page.expect_download() as download:
        page.click("text=Download the stamps")
    assert download.value.suggested_filename.endswith(".pdf")
