"""The producers' back office: profile, products, photos, variants, listing; bad input."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import Certificate, Product, ProductImage, Variant
from storefront.catalog.stock import change_stock
from storefront.core.clock import today_in_vietnam
from storefront.core.models import AuditEntry
from storefront.extensions import db
from tests.conftest import (
    login,
    make_producer,
    make_product,
    make_user,
    png_bytes,
    postgres_only,
    revoke,
    row_count,
)


@pytest.fixture
def shop(client):
    """A producer with one certified product, and its staff signed in."""
    producer = make_producer("HTX Mật ong Hồng Xuân")
    product = make_product("Mật ong hoa vải", producer=producer)
    staff = make_user(Role.PRODUCER, producer=producer)
    login(client, staff)
    return product


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's calling card)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\0" * 16)
    body += struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    end = b"IEND"
    body += struct.pack(">I", 0) + end + struct.pack(">I", zlib.crc32(end))
    return b"\x89PNG\r\n\x1a\n" + body


def product_form(product: Product, **changes) -> dict:
    values = {
        "name_vi": product.name_vi,
        "name_en": product.name_en,
        "slug": product.slug,
        "product_set": str(product.product_set),
        "description_vi": product.description_vi,
        "description_en": product.description_en,
    }
    return {**values, **changes}


def variant_form(variant: Variant, **changes) -> dict:
    values = {
        "sku": variant.sku,
        "label_vi": variant.label_vi,
        "label_en": variant.label_en,
        "price": str(variant.price),
        "stock": str(variant.stock),
        "gtin": variant.gtin or "",
        "is_active": "y",
    }
    return {**values, **changes}


def test_overview_warns_90_days_before_a_certificate_expires(client):
    producer = make_producer("HTX Vải thiều Thanh Hà")
    make_product(
        "Vải thiều Thanh Hà",
        producer=producer,
        decided=today_in_vietnam().replace(day=1) - timedelta(days=365 * 3 - 60),
    )
    make_product("Gạo nếp cái hoa vàng", producer=producer)
    login(client, make_user(Role.PRODUCER, producer=producer))
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "expires on" in page
    assert "re-evaluation" in page
    assert "Expiring soon" in page and "Valid" in page


def test_overview_explains_a_revoked_certificate(client, shop):
    revoke(shop.certificates[0], "Không đạt chỉ tiêu vi sinh")
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "was revoked" in page and "Không đạt chỉ tiêu vi sinh" in page


def test_profile_saves_story_contact_and_logo(client, shop):
    response = client.post(
        "/dashboard/profile",
        data={
            "story_vi": "Chúng tôi nuôi ong ở Lục Ngạn.",
            "story_en": "We keep bees in Lục Ngạn.",
            "phone": "0912 345 678",
            "email": "lienhe@hongxuan.vn",
            "website": "https://hongxuan.vn",
            "tax_code": "0100109106",
            "address_line": "Thôn Đồng Mậm",
            "logo": (io.BytesIO(png_bytes()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    producer = shop.producer
    db.session.refresh(producer)
    assert producer.phone == "0912345678"
    assert producer.logo_path.startswith("img/")
    assert producer.story_en == "We keep bees in Lục Ngạn."
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update_profile"))
    assert entry.after["phone"] == "0912345678" and entry.before["phone"] is None
    assert "We keep bees" in client.get(f"/producers/{producer.slug}?lang=en").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Vietnamese phone number"),
        ("tax_code", "0100109107", "tax code is not valid"),
        ("tax_code", "abc", "tax code is not valid"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_profile_refuses_bad_contact_details(client, shop, field, value, message):
    response = client.post("/dashboard/profile?lang=en", data={field: value, "story_vi": "Mới"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(shop.producer)
    assert shop.producer.story_vi == ""
    assert row_count(AuditEntry) == 0


def test_create_product_starts_hidden_until_certified(client, shop):
    response = client.post(
        "/dashboard/products/new",
        data={"name_vi": "Mật ong rừng", "product_set": "4", "description_vi": "Ngọt"},
    )
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.slug == "mat-ong-rung"))
    assert product.producer_id == shop.producer_id
    assert not product.is_listed
    assert "mat ong rung" in product.search_text
    listing = client.post(f"/dashboard/products/{product.id}/listing?lang=en", data={"listed": "1"})
    assert listing.status_code == 409
    assert "cannot be listed" in listing.get_data(as_text=True)
    db.session.refresh(product)
    assert not product.is_listed


def test_duplicate_slug_is_refused_and_nothing_saved(client, shop):
    other = make_product("Gà đồi Yên Thế")
    response = client.post(
        "/dashboard/products/new?lang=en",
        data={"name_vi": "Gà đồi Yên Thế", "product_set": "2"},
    )
    assert response.status_code == 400
    assert "already used by another product" in response.get_data(as_text=True)
    edit = client.post(
        f"/dashboard/products/{shop.id}?lang=en", data=product_form(shop, slug=other.slug)
    )
    assert edit.status_code == 400
    assert row_count(Product) == 2
    db.session.refresh(shop)
    assert shop.slug == "mat-ong-hoa-vai"


def test_descriptions_with_html_are_shown_escaped(client, shop):
    script = '<script>alert("x")</script><b>Ngon</b>'
    response = client.post(
        f"/dashboard/products/{shop.id}", data=product_form(shop, description_vi=script)
    )
    assert response.status_code == 302
    for url in (f"/products/{shop.slug}", f"/dashboard/products/{shop.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


def test_producer_cannot_set_stars_or_certificates(client, shop):
    client.post(
        f"/dashboard/products/{shop.id}",
        data=product_form(shop, stars="5", certificate_id="1", is_listed="y"),
    )
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.stars == 4
    assert row_count(Certificate) == 1


def test_editing_price_and_stock_goes_through_change_stock(client, shop):
    variant = shop.variants[0]
    response = client.post(
        f"/dashboard/products/{shop.id}/variants/{variant.id}",
        data=variant_form(variant, price="135.000", stock="30", gtin="8938505974194"),
    )
    assert response.status_code == 302
    db.session.refresh(variant)
    assert (variant.price, variant.stock, variant.gtin) == (135_000, 30, "08938505974194")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update_variant"))
    assert entry.before == {"price": 120_000, "stock": 50, "gtin": None}
    assert entry.after == {"price": 135_000, "stock": 30, "gtin": "08938505974194"}
    assert "135.000" in client.get(f"/products/{shop.slug}").get_data(as_text=True)


@postgres_only
def test_a_stock_edit_waits_for_a_concurrent_sale_then_sets_the_exact_amount(app, client, shop):
    """A sale holds the row; the edit must read the stock after it, not before (no lost sale)."""
    variant = shop.variants[0]
    variant_id = variant.id
    locked, release = threading.Event(), threading.Event()

    def sale() -> None:
        with app.app_context():
            change_stock(variant_id, -5)
            locked.set()
            release.wait(5)
            db.session.commit()
            db.session.remove()

    seller = threading.Thread(target=sale)
    seller.start()
    assert locked.wait(5)
    threading.Timer(0.5, release.set).start()
    response = client.post(
        f"/dashboard/products/{shop.id}/variants/{variant_id}",
        data=variant_form(variant, stock="30"),
    )
    seller.join(5)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 30


def test_new_variant(client, shop):
    response = client.post(
        f"/dashboard/products/{shop.id}/variants/new",
        data={
            "sku": "MO-500",
            "label_vi": "Chai 500 ml",
            "price": "95000",
            "stock": "12",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    variant = db.session.scalar(select(Variant).where(Variant.sku == "MO-500"))
    assert (variant.price, variant.stock, variant.product_id) == (95_000, 12, shop.id)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": "-5000"}, "whole đồng"),
        ({"price": "12.5"}, "whole đồng"),
        ({"price": "mười nghìn"}, "whole đồng"),
        ({"price": ""}, "fill in"),
        ({"stock": "-3"}, "whole number of units"),
        ({"stock": "2.5"}, "whole number of units"),
        ({"stock": "nhiều"}, "whole number of units"),
        ({"gtin": "8938505974195"}, "not a valid GTIN"),
        ({"sku": "có dấu cách"}, "letters, digits"),
    ],
)
def test_bad_variant_input_is_refused_and_nothing_saved(client, shop, changes, message):
    variant = shop.variants[0]
    response = client.post(
        f"/dashboard/products/{shop.id}/variants/{variant.id}?lang=en",
        data=variant_form(variant, **changes),
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(variant)
    assert (variant.price, variant.stock) == (120_000, 50)
    assert row_count(AuditEntry) == 0


def test_duplicate_sku_is_refused(client, shop):
    other = make_product("Gà đồi Yên Thế")
    variant = shop.variants[0]
    response = client.post(
        f"/dashboard/products/{shop.id}/variants/{variant.id}?lang=en",
        data=variant_form(variant, sku=other.variants[0].sku, stock="7"),
    )
    assert response.status_code == 409
    assert "already used" in response.get_data(as_text=True)
    db.session.refresh(variant)
    assert variant.stock == 50 and variant.sku != other.variants[0].sku


def test_photo_upload_is_reencoded_with_a_thumbnail(app, client, shop):
    response = client.post(
        f"/dashboard/products/{shop.id}/photos",
        data={"photo": (io.BytesIO(png_bytes((1200, 900))), "honey.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [image] = db.session.scalars(select(ProductImage)).all()
    uploads = Path(app.config["UPLOAD_DIR"])
    assert image.path.endswith(".jpg") and (uploads / image.path).exists()
    assert (uploads / image.thumb_path).exists()
    with Image.open(uploads / image.thumb_path) as thumb:
        assert max(thumb.size) <= 480
    assert image.thumb_path in client.get("/products").get_data(as_text=True)


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (b"Day khong phai la anh\n" * 20, "anh.jpg", "not a valid image"),
        (png_header_claiming(20_000, 20_000), "bomb.png", "40 million pixels"),
        (b"GIF89a" + b"\0" * 40, "x.gif", "not a valid image"),
        (b"", "empty.jpg", "Choose an image"),
    ],
)
def test_bad_photos_are_refused_and_nothing_saved(client, shop, payload, name, message):
    response = client.post(
        f"/dashboard/products/{shop.id}/photos?lang=en",
        data={"photo": (io.BytesIO(payload), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert row_count(ProductImage) == 0


def test_photo_can_be_removed(client, shop):
    client.post(
        f"/dashboard/products/{shop.id}/photos",
        data={"photo": (io.BytesIO(png_bytes()), "a.png")},
        content_type="multipart/form-data",
    )
    image_id = db.session.scalar(select(ProductImage.id))
    response = client.post(f"/dashboard/products/{shop.id}/photos/{image_id}/delete", data={})
    assert response.status_code == 302
    assert row_count(ProductImage) == 0


def test_listing_on_and_off(client, shop):
    client.post(f"/dashboard/products/{shop.id}/listing", data={"listed": "0"})
    assert shop.name_vi not in client.get("/products").get_data(as_text=True)
    client.post(f"/dashboard/products/{shop.id}/listing", data={"listed": "1"})
    assert shop.name_vi in client.get("/products").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["unlist_product", "list_product"]


def test_another_producers_product_is_404_even_by_post(client, shop):
    other = make_product("Gà đồi Yên Thế")
    response = client.post(
        f"/dashboard/products/{other.id}", data=product_form(other, name_vi="Bị sửa")
    )
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.name_vi == "Gà đồi Yên Thế"
