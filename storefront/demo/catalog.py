"""Load the 39 real Bắc Giang OCOP products with their producers, places and certificates."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from PIL import ImageFont
from sqlalchemy import select

from ..catalog.images import store_image
from ..catalog.models import Producer, Product, ProductImage, Variant, valid_until_for
from ..catalog.product_sets import PRODUCT_SETS
from ..catalog.services import add_certificate, refresh_search_text
from ..core.clock import today_in_vietnam
from ..core.fonts import font_file
from ..extensions import db
from ..places.services import load_province, resolve_legacy_address
from ..text import gtin_check_digit, slugify, wrap_words
from .names_en import MISSING_PRODUCERS, PACKS, PRODUCT_NAMES_EN
from .pictures import gradient

DATA = Path(__file__).resolve().parent.parent / "data" / "bac_giang_ocop_products.csv"

# Demonstration states, so that every certificate status can be seen in the demo.
EXPIRED_DEMO = "Mỳ Trại Lâm"
REVOKED_DEMO = "Snack gạo JOY sốt cay ngọt"
EXPIRING_DEMO = "Cà chua Thùy Châm"
REVOKED_REASON = (
    "Không duy trì điều kiện sản xuất như hồ sơ đánh giá (dữ liệu minh họa cho bản demo)."
)

GROUP_COLOURS = {
    "food": ((11, 110, 79), (183, 121, 31)),
    "drinks": ((120, 40, 80), (200, 120, 60)),
    "herbal": ((40, 100, 60), (150, 170, 80)),
    "handicrafts": ((110, 70, 30), (200, 150, 90)),
    "ornamental": ((30, 110, 60), (220, 120, 160)),
    "tourism": ((20, 90, 140), (90, 170, 120)),
}


@dataclass(frozen=True)
class Row:
    product_vi: str
    producer_vi: str
    producer_kind: str
    district: str
    commune: str
    stars: int
    certified_by: str
    year: int | None
    product_set: int
    source: str


def read_rows() -> list[Row]:
    with DATA.open(encoding="utf-8") as handle:
        return [
            Row(
                r["product_vi"].strip(),
                r["producer_vi"].strip(),
                r["producer_kind"].strip(),
                r["district_2024"].strip(),
                r["commune_2024"].strip(),
                int(r["stars"]),
                r["certified_by"].strip(),
                int(r["year"]) if r["year"].strip() else None,
                int(r["product_set"]),
                r["source"].strip(),
            )
            for r in csv.DictReader(handle)
        ]


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def load_catalog(today: date | None = None) -> int:
    """Load places, producers, products, variants, photos and certificates; idempotent."""
    today = today or today_in_vietnam()
    load_province("Bắc Giang")
    rows = read_rows()
    for index, row in enumerate(rows):
        producer = _producer(row, index)
        product = _product(row, producer)
        _variants(row, product, index)
        _certificates(row, product, today)
        if not product.images:
            _photo(row, product)
        db.session.flush()
        refresh_search_text(product)
    db.session.commit()
    return len(rows)


def _producer(row: Row, index: int) -> Producer:
    name, kind = row.producer_vi, row.producer_kind or "household"
    if not name:
        name, kind = MISSING_PRODUCERS[row.product_vi]
    slug = slugify(name)
    producer = db.session.scalar(select(Producer).where(Producer.slug == slug))
    if producer is not None:
        return producer
    address = resolve_legacy_address(row.district, row.commune)
    seed = _seed(name)
    producer = Producer(
        slug=slug,
        name=name,
        kind=kind,
        tax_code=_tax_code(seed),
        phone=f"09{seed % 100000000:08d}",
        email=f"lienhe.{slug[:30]}@example.vn",
        contact_is_example=True,
        story_vi=(
            f"{name} làm ra sản phẩm OCOP tại {address.as_written}. Chúng tôi giữ cách làm truyền "
            "thống của quê hương và chăm chút từng mẻ hàng. (Thông tin liên hệ là ví dụ.)"
        ),
        story_en=(
            f"{name} makes OCOP-certified products in {address.as_written}, keeping the "
            "traditional ways of our home place and caring for every batch. (Contact details are "
            "examples.)"
        ),
        address_line="",
        address_as_written=address.as_written,
        legacy_place=address.legacy,
        current_place=address.current,
    )
    db.session.add(producer)
    db.session.flush()
    return producer


def _tax_code(seed: int) -> str:
    body = f"24{seed % 10000000:07d}"
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    for bump in range(100):
        digits = [int(c) for c in f"{int(body) + bump:09d}"]
        check = 10 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
    raise RuntimeError("no tax code found")  # unreachable: check digits repeat within 11 steps


def _product(row: Row, producer: Producer) -> Product:
    slug = slugify(row.product_vi)
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is not None:
        return product
    address = resolve_legacy_address(row.district, row.commune)
    product_set = PRODUCT_SETS[row.product_set]
    name_en = PRODUCT_NAMES_EN.get(row.product_vi, "")
    product = Product(
        slug=slug,
        producer=producer,
        product_set=row.product_set,
        name_vi=row.product_vi,
        name_en=name_en,
        description_vi=(
            f"{row.product_vi} là sản phẩm OCOP {row.stars} sao thuộc bộ sản phẩm "
            f"“{product_set.name_vi}”, do {producer.name} sản xuất tại {address.as_written}. "
            f"Nguồn công nhận: {row.source}"
        ),
        description_en=(
            f"{name_en or row.product_vi} is a {row.stars}-star OCOP product in the set "
            f"“{product_set.name_en}”, made by {producer.name} in {address.as_written}. "
            f"Source of the recognition: {row.source}"
        ),
        address_as_written=address.as_written,
        legacy_place=address.legacy,
        current_place=address.current,
    )
    db.session.add(product)
    db.session.flush()
    return product


def _variants(row: Row, product: Product, index: int) -> None:
    packs = PACKS.get(row.product_set, [("Gói tiêu chuẩn", "Standard pack", 100000)])
    for number, (label_vi, label_en, base) in enumerate(packs, start=1):
        sku = f"BG{index + 1:03d}-{number}"
        if db.session.scalar(select(Variant.id).where(Variant.sku == sku)) is not None:
            continue
        seed = _seed(sku)
        price = base + (seed % 8) * 5000
        stock = 0 if (index % 13 == 5 and number == 1) else 20 + seed % 180
        gtin = None
        if number == 1 and index % 3 == 0:
            body = f"893{8000000 + index * 100 + number:09d}"
            gtin = f"{body}{gtin_check_digit(body)}".zfill(14)
        db.session.add(
            Variant(
                product=product,
                sku=sku,
                label_vi=label_vi,
                label_en=label_en,
                price=price,
                stock=stock,
                gtin=gtin,
            )
        )


def _issuing_body(level: str, decided: date, district: str) -> str:
    if level == "central":
        return (
            "Bộ Nông nghiệp và Môi trường"
            if decided >= date(2025, 3, 1)
            else "Bộ Nông nghiệp và Phát triển nông thôn"
        )
    if level == "province" or decided >= date(2025, 7, 6):
        return "UBND tỉnh Bắc Ninh" if decided >= date(2025, 7, 1) else "UBND tỉnh Bắc Giang"
    return f"UBND huyện {district}" if district else "UBND huyện"


def _level(row: Row, decided: date) -> str:
    if row.stars == 5:
        return "central"
    if decided >= date(2025, 7, 6):  # Decision 1489/QĐ-TTg: the province certifies 3★ and 4★
        return "province"
    return row.certified_by or ("district" if row.stars == 3 else "province")


def _certificates(row: Row, product: Product, today: date) -> None:
    if product.certificates:
        return
    seed = _seed(row.product_vi)
    year = row.year or (2022 + seed % 3)
    decided = date(year, 1 + seed % 12, 1 + seed % 27)
    if row.product_vi == EXPIRING_DEMO:
        decided = today - relativedelta(months=36) + relativedelta(days=40)
    if row.product_vi == EXPIRED_DEMO:
        decided = today - relativedelta(months=40)
    while True:
        level = _level(row, decided)
        suffix = "QĐ-BNN-VPĐP" if level == "central" else "QĐ-UBND"
        certificate = add_certificate(
            product,
            stars=row.stars,
            level=level,
            issuing_body=_issuing_body(level, decided, row.district),
            decision_number=f"{100 + (seed + decided.year) % 3800}/{suffix}",
            decision_date=decided,
            score=_score(row.stars, seed),
        )
        db.session.flush()
        renewal = decided + relativedelta(months=36)
        if row.product_vi == EXPIRED_DEMO or valid_until_for(decided) >= today or renewal > today:
            break
        decided = renewal
    if row.product_vi == REVOKED_DEMO:
        certificate.revoked_on = today - relativedelta(days=20)
        certificate.revoked_reason = REVOKED_REASON


def _score(stars: int, seed: int) -> int:
    low, high = {3: (50, 69), 4: (70, 89), 5: (90, 100)}[stars]
    return low + seed % (high - low + 1)


def _photo(row: Row, product: Product) -> None:
    """A generated picture: the group's colours, the product's name and its stars."""
    width, height = 800, 600
    colours = GROUP_COLOURS[PRODUCT_SETS[row.product_set].group.code]
    image, draw = gradient(width, height, colours)
    bold = ImageFont.truetype(font_file(bold=True), 54)
    small = ImageFont.truetype(font_file(), 30)
    lines = wrap_words(row.product_vi, width - 100, lambda t: draw.textlength(t, font=bold))
    y = 200 - 35 * (len(lines) - 1)
    for text in lines:
        draw.text((50, y), text, font=bold, fill=(255, 255, 255))
        y += 70
    draw.text((50, height - 90), "OCOP " + "★" * row.stars, font=small, fill=(255, 226, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    stored = store_image(out.getvalue())
    db.session.add(
        ProductImage(
            product=product,
            path=stored.path,
            thumb_path=stored.thumb_path,
            width=stored.width,
            height=stored.height,
            alt_vi=f"Ảnh minh họa {row.product_vi}",
            alt_en=f"Illustration of {product.name_en or row.product_vi}",
        )
    )
