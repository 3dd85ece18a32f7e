"""In a phone-sized browser: a producer edits a price and adds a photo; the office revokes."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from tests.conftest import PASSWORD, make_producer, make_product, make_user


def photo() -> bytes:
    image = Image.new("RGB", (900, 675), (232, 170, 40))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 140, 650, 540), fill=(190, 110, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sign_in(page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()


def test_producer_edits_a_price_and_adds_a_photo(page, live_server, screenshot):
    producer = make_producer("HTX Mật ong Hồng Xuân")
    product = make_product("Mật ong hoa vải Hồng Xuân", producer=producer, price=120_000)
    staff = make_user(Role.PRODUCER, producer=producer)
    sign_in(page, live_server, staff.email)
    assert page.url.endswith("/dashboard/")
    screenshot("overview")

    page.click(f"a[href='/dashboard/products/{product.id}']")
    page.click(f"a[href^='/dashboard/products/{product.id}/variants/']")
    page.fill("input[name=price]", "135.000")
    screenshot("variant")
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    assert "135.000" in page.inner_text("#variants")

    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "mat-ong.png", "mimeType": "image/png", "buffer": photo()}],
    )
    page.click("#photos button[type=submit].primary")
    page.wait_for_load_state()
    assert page.locator("#photos figure img").count() == 1
    screenshot("product")

    image = db.session.scalar(select(ProductImage).where(ProductImage.product_id == product.id))
    page.goto(f"{live_server}/products/{product.slug}")
    assert "135.000" in page.inner_text("main")
    gallery_image = page.locator(f"img.gallery-main[src$='{image.path}']")
    expect(gallery_image).to_be_visible()
    assert gallery_image.evaluate("img => img.complete && img.naturalWidth") > 0
    screenshot("public-product")
    page.goto(f"{live_server}/products")
    card_image = page.locator(f"img[src$='{image.thumb_path}']")
    assert card_image.count() == 1
    assert card_image.evaluate("img => img.naturalWidth") > 0
    screenshot("public-listing")


def test_office_revokes_a_certificate_and_the_product_leaves(page, live_server, screenshot):
    product = make_product("Snack gạo JOY sốt cay ngọt")
    other = make_product("Gà đồi Yên Thế")
    link, other_link = f"a[href='/products/{product.slug}']", f"a[href='/products/{other.slug}']"
    office = make_user(Role.OFFICE)
    page.goto(f"{live_server}/products")
    assert page.locator(link).count() >= 1

    sign_in(page, live_server, office.email)
    assert page.url.endswith("/office/")
    screenshot("office")
    page.goto(f"{live_server}/office/certificates")
    screenshot("certificates")
    certificate = product.certificates[0]
    page.click(f"a[href='/office/certificates/{certificate.id}/revoke']")
    page.fill("textarea[name=reason]", "Không đạt chỉ tiêu vi sinh khi kiểm tra lại")
    screenshot("revoke")
    page.click("form button[type=submit].danger")
    page.wait_for_load_state()
    assert "Snack gạo JOY sốt cay ngọt" in page.inner_text(".flash")

    page.goto(f"{live_server}/products")
    assert page.locator(link).count() == 0
    assert page.locator(other_link).count() >= 1
    screenshot("listing-after")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/office/certificates?status=revoked")
    assert page.locator(f"a[href='/office/certificates/{certificate.id}/revoke']").count() == 0
    screenshot("desktop-revoked")


IMPORT_CSV = (
    "producer_name,district_2024,commune_2024,product_name_vi,product_set,stars,level,"
    "issuing_body,decision_number,decision_date\n"
    "HTX Vải thiều Phì Điền,Lục Ngạn,Phì Điền,Vải thiều Phì Điền,1,4,province,"
    "UBND tỉnh Bắc Giang,1001/QĐ-UBND,2024-05-10\n"
    "Hộ Bánh chưng Tân Yên,Tân Yên,,Bánh chưng Tân Yên,6,7,district,UBND huyện Tân Yên,"
    "77/QĐ-UBND,2023-12-01\n"
)


def test_office_imports_a_spreadsheet_after_fixing_it(page, live_server, screenshot):
    office = make_user(Role.OFFICE)
    sign_in(page, live_server, office.email)
    page.goto(f"{live_server}/office/import")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "ocop.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}],
    )
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    assert page.locator(".row-error").count() == 1
    screenshot("report-with-error")
    fixed = IMPORT_CSV.replace(",6,7,district", ",6,3,district")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "ocop.csv", "mimeType": "text/csv", "buffer": fixed.encode()}],
    )
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    assert page.locator(".row-error").count() == 0
    screenshot("report-imported")
    page.goto(f"{live_server}/office/audit?lang=en")
    assert page.locator("td", has_text="import_certificate").count() == 2
    screenshot("audit")
