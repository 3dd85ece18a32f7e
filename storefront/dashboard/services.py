"""Dashboard services: a producer's staff edit their own shop, products, photos and variants.

Every function takes the acting user and an object already scoped to their producer; each owns
its transaction and writes an audit entry with the values before and after.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.decorators import own_or_404
from ..accounts.models import User
from ..catalog.images import store_image
from ..catalog.models import Producer, Product, ProductImage, Variant
from ..catalog.services import current_certificate, refresh_search_text
from ..catalog.stock import change_stock
from ..core.errors import UserError
from ..core.services import record_change
from ..extensions import db
from ..money import parse_vnd
from ..text import normalize_gtin, normalize_phone, slugify

PROFILE_FIELDS = ("story_vi", "story_en", "phone", "email", "website", "tax_code", "address_line")
PRODUCT_FIELDS = ("name_vi", "name_en", "slug", "product_set", "description_vi", "description_en")
VARIANT_FIELDS = ("sku", "label_vi", "label_en", "price", "stock", "gtin", "is_active")


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that changed, before and after."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def own_variant(product_id: int, variant_id: int) -> Variant:
    """The variant of the signed-in producer's product ``product_id``; 404 otherwise."""
    product = own_or_404(Product, product_id)
    variant = db.session.scalar(
        select(Variant).where(Variant.id == variant_id, Variant.product_id == product.id)
    )
    if variant is None:
        abort(404)
    return variant


def own_image(product_id: int, image_id: int) -> ProductImage:
    """The image of the signed-in producer's product ``product_id``; 404 otherwise."""
    product = own_or_404(Product, product_id)
    image = db.session.scalar(
        select(ProductImage).where(
            ProductImage.id == image_id, ProductImage.product_id == product.id
        )
    )
    if image is None:
        abort(404)
    return image


def update_profile(actor: User, producer: Producer, values: dict[str, Any], logo: bytes | None):
    """Save the shop profile; a logo is validated and re-encoded first (UserError if not)."""
    before = snapshot(producer, (*PROFILE_FIELDS, "logo_path"))
    stored = store_image(logo) if logo else None
    values = {name: values.get(name) for name in PROFILE_FIELDS}
    values["phone"] = normalize_phone(values["phone"]) if values["phone"] else None
    for name in ("email", "website", "tax_code"):
        values[name] = (values[name] or "").strip() or None
    for name in ("story_vi", "story_en", "address_line"):
        values[name] = (values[name] or "").strip()
    for name, value in values.items():
        setattr(producer, name, value)
    if stored is not None:
        producer.logo_path = stored.path
    if producer.phone or producer.email:
        producer.contact_is_example = False
    old, new = changed(before, snapshot(producer, (*PROFILE_FIELDS, "logo_path")))
    if new:
        record_change(actor, "update_profile", producer, old, new, producer_id=producer.id)
        for product in db.session.scalars(
            select(Product).where(Product.producer_id == producer.id)
        ):
            refresh_search_text(product)
    db.session.commit()


def _check_slug(slug: str, product_id: int | None) -> None:
    taken = db.session.scalar(
        select(Product.id).where(Product.slug == slug, Product.id != (product_id or 0))
    )
    if taken is not None:
        raise UserError(
            _(
                "The web address “%(slug)s” is already used by another product. "
                "Choose another one.",
                slug=slug,
            ),
            409,
        )


def save_product(
    actor: User, producer: Producer, product: Product | None, values: dict[str, Any]
) -> Product:
    """Create or edit a product's names, descriptions and product set (never its stars).

    New products start unlisted: they need an OCOP certificate from the office first.
    Raises UserError (409) when the web address is taken.
    """
    slug = (values.get("slug") or "").strip() or slugify(values["name_vi"])
    _check_slug(slug, product.id if product else None)
    creating = product is None
    if creating:
        product = Product(producer_id=producer.id, is_listed=False, slug=slug)
        product.producer = producer
        db.session.add(product)
        before: dict[str, Any] = {}
    else:
        before = snapshot(product, PRODUCT_FIELDS)
    product.slug = slug
    product.name_vi = values["name_vi"].strip()
    product.name_en = (values.get("name_en") or "").strip()
    product.product_set = int(values["product_set"])
    product.description_vi = values.get("description_vi") or ""
    product.description_en = values.get("description_en") or ""
    if creating and product.legacy_place_id is None:
        product.legacy_place_id = producer.legacy_place_id
        product.current_place_id = producer.current_place_id
        product.address_as_written = producer.address_as_written
    db.session.flush()
    refresh_search_text(product)
    old, new = changed(before, snapshot(product, PRODUCT_FIELDS))
    if new:
        record_change(actor, "create_product" if creating else "update_product", product, old, new)
    db.session.commit()
    return product


def can_be_listed(product: Product, today: date | None = None) -> bool:
    """A product may be listed only while one of its certificates is in force."""
    certificate = current_certificate(product, today)
    return certificate is not None and certificate.allows_sale(today)


def set_listing(actor: User, product: Product, listed: bool) -> None:
    """List or unlist a product. Raises UserError when listing one without a valid certificate."""
    if listed and not can_be_listed(product):
        raise UserError(
            _(
                "This product has no valid OCOP certificate, so it cannot be listed. "
                "Ask the OCOP office for a (re-)evaluation."
            ),
            409,
        )
    if product.is_listed != listed:
        record_change(
            actor,
            "list_product" if listed else "unlist_product",
            product,
            {"is_listed": product.is_listed},
            {"is_listed": listed},
        )
        product.is_listed = listed
    db.session.commit()


def add_photo(actor: User, product: Product, data: bytes) -> ProductImage:
    """Validate, re-encode and attach a photo (UserError for anything not a real image)."""
    stored = store_image(data)
    position = db.session.scalar(
        select(func.coalesce(func.max(ProductImage.position), -1)).where(
            ProductImage.product_id == product.id
        )
    )
    image = ProductImage(
        product_id=product.id,
        path=stored.path,
        thumb_path=stored.thumb_path,
        width=stored.width,
        height=stored.height,
        alt_vi=product.name_vi,
        alt_en=product.name_en,
        position=position + 1,
    )
    db.session.add(image)
    db.session.flush()
    record_change(
        actor, "add_photo", image, after={"path": stored.path}, producer_id=product.producer_id
    )
    db.session.commit()
    return image


def delete_photo(actor: User, image: ProductImage) -> None:
    """Remove a photo from its product (the file stays: names are content hashes, maybe shared)."""
    record_change(
        actor,
        "delete_photo",
        image,
        before={"path": image.path, "product_id": image.product_id},
        producer_id=image.product.producer_id,
    )
    db.session.delete(image)
    db.session.commit()


def _variant_values(values: dict[str, Any], variant_id: int | None) -> dict[str, Any]:
    sku = values["sku"].strip()
    if db.session.scalar(
        select(Variant.id).where(Variant.sku == sku, Variant.id != (variant_id or 0))
    ):
        raise UserError(_("The SKU “%(sku)s” is already used. Choose another one.", sku=sku), 409)
    gtin = normalize_gtin(values.get("gtin")) if values.get("gtin") else None
    if gtin and db.session.scalar(
        select(Variant.id).where(Variant.gtin == gtin, Variant.id != (variant_id or 0))
    ):
        raise UserError(_("That barcode is already used by another product."), 409)
    stock = str(values["stock"]).strip()
    if not stock.isdigit():
        raise UserError(_("Enter the stock as a whole number of units, 0 or more."))
    return {
        "sku": sku,
        "label_vi": values["label_vi"].strip(),
        "label_en": (values.get("label_en") or "").strip(),
        "price": parse_vnd(str(values["price"])),
        "stock": int(stock),
        "gtin": gtin,
        "is_active": bool(values.get("is_active")),
    }


def save_variant(
    actor: User, product: Product, variant: Variant | None, values: dict[str, Any]
) -> Variant:
    """Create or edit a variant. Stock moves only through change_stock, by the difference
    between the stock asked for and the row's stock read under lock in this transaction.
    Raises UserError for a taken SKU or barcode, a bad price or stock."""
    try:
        clean = _variant_values(values, variant.id if variant else None)
    except ValueError:
        raise UserError(_("Enter the price in whole đồng, such as 120000 or 120.000.")) from None
    wanted_stock = clean.pop("stock")
    if variant is None:
        variant = Variant(product_id=product.id, stock=0, **clean)
        db.session.add(variant)
        db.session.flush()
        before: dict[str, Any] = {}
        current = 0
        action = "create_variant"
    else:
        before = snapshot(variant, VARIANT_FIELDS)
        # Lock the row (PostgreSQL) so a sale in between cannot be overwritten by this edit.
        current = db.session.scalar(
            select(Variant.stock).where(Variant.id == variant.id).with_for_update()
        )
        for name, value in clean.items():
            setattr(variant, name, value)
        db.session.flush()
        action = "update_variant"
    if wanted_stock != current:
        change_stock(variant.id, wanted_stock - current)
    db.session.flush()
    db.session.refresh(variant)
    old, new = changed(before, snapshot(variant, VARIANT_FIELDS))
    if new:
        record_change(actor, action, variant, old, new, producer_id=product.producer_id)
    db.session.commit()
    return variant
