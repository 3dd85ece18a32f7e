"""Public catalog pages: home, product listing, product and producer pages, sitemap."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.clock import today_in_vietnam
from ..core.i18n import localized
from ..core.templating import absolute_url
from ..events.models import Event, GiftSet
from ..extensions import db
from .browse import (
    PRICE_BANDS,
    SORTS,
    PageOutOfRange,
    browse,
    highlights,
    index_stamp,
    load_products,
    overview,
    parse_filters,
    related_products,
    why_not_sellable,
)
from .models import Certificate, Producer, ProducerStatus, Product
from .product_sets import GROUPS, PRODUCT_SETS
from .services import current_certificate, is_sellable

bp = Blueprint("catalog", __name__)


@bp.app_context_processor
def catalog_helpers() -> dict[str, object]:
    return {"GROUPS": GROUPS, "PRODUCT_SETS": PRODUCT_SETS}


bp.add_app_template_global(current_certificate, "current_certificate")


@bp.app_template_global()
def price_range(product: Product) -> tuple[int | None, int | None]:
    """Lowest and highest price of the product's active variants (None, None without any)."""
    prices = [v.price for v in product.variants if v.is_active]
    return (min(prices), max(prices)) if prices else (None, None)


@bp.get("/")
def home():
    today = today_in_vietnam()
    stamp = index_stamp()
    summary = overview(today, stamp)
    return render_template(
        "catalog/home.html",
        overview=summary,
        # The map's dot titles, one plural per distinct count rather than one per dot.
        producer_counts={
            n: ngettext("%(num)d producer", "%(num)d producers", n)
            for n in {point.count for point in summary.points}
        },
        five_stars=highlights(today, 5, 4, stamp),
        four_stars=highlights(today, 4, 8, stamp),
        today=today,
    )


@bp.get("/products")
def products():
    """The listing: malformed filters are ignored and named; a page past the end is a 404."""
    today = today_in_vietnam()
    filters = parse_filters(request.args)
    try:
        listing = browse(filters, today)
    except PageOutOfRange as error:
        last = url_for(
            "catalog.products", **filters.query_args(page=error.pages if error.pages > 1 else None)
        )
        html = render_template(
            "catalog/page_out_of_range.html", pages=error.pages, last_url=last, filters=filters
        )
        return html, 404
    return render_template(
        "catalog/products.html",
        listing=listing,
        filters=filters,
        sorts=SORTS,
        price_bands=PRICE_BANDS,
        today=today,
    )


@bp.get("/products/<slug>")
def product(slug: str):
    """Any product that exists has a page; one that cannot be bought says why."""
    item = db.session.scalar(
        select(Product)
        .where(Product.slug == slug[:160])
        .options(
            selectinload(Product.images),
            selectinload(Product.variants),
            selectinload(Product.certificates),
        )
    )
    if item is None:
        abort(404)
    today = today_in_vietnam()
    certificate = current_certificate(item, today)
    unsellable = why_not_sellable(item, certificate, today)
    return render_template(
        "catalog/product.html",
        product=item,
        certificate=certificate,
        sellable=unsellable is None,
        unsellable=unsellable,
        related=related_products(item, today),
        jsonld=product_jsonld(item, certificate, unsellable is None),
        today=today,
    )


def product_jsonld(item: Product, certificate: Certificate | None, sellable: bool) -> dict:
    """schema.org Product data; offers only while the product may be sold."""
    url = absolute_url(url_for("catalog.product", slug=item.slug))
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": localized(item, "name"),
        "description": localized(item, "description"),
        "url": url,
        "sku": item.variants[0].sku if item.variants else item.slug,
        "category": localized(item.set_info, "name"),
        "brand": {"@type": "Brand", "name": item.producer.name},
        "manufacturer": {
            "@type": "Organization",
            "name": item.producer.name,
            "url": absolute_url(url_for("catalog.producer", slug=item.producer.slug)),
        },
        "countryOfOrigin": "VN",
    }
    if item.images:
        data["image"] = [absolute_url(url_for("core.media", filename=i.path)) for i in item.images]
    gtins = [v.gtin for v in item.variants if v.gtin]
    if gtins:
        data["gtin"] = gtins[0]
    if certificate is not None and sellable:
        data["award"] = f"OCOP {certificate.stars}★ ({certificate.decision_number})"
    prices = [v.price for v in item.variants if v.is_active]
    if sellable and prices:
        in_stock = any(v.stock > 0 for v in item.variants if v.is_active)
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "VND",
            "lowPrice": min(prices),
            "highPrice": max(prices),
            "offerCount": len(prices),
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
        }
    return data


@bp.get("/producers/<slug>")
def producer(slug: str):
    item = db.session.scalar(select(Producer).where(Producer.slug == slug[:160]))
    if item is None:
        abort(404)
    today = today_in_vietnam()
    ids = db.session.scalars(
        select(Product.id).where(Product.producer_id == item.id).order_by(Product.id)
    ).all()
    on_sale, off_sale = [], []
    for product_ in load_products(list(ids)):
        certificate = current_certificate(product_, today)
        reason = why_not_sellable(product_, certificate, today)
        (on_sale if reason is None else off_sale).append((product_, certificate, reason))
    return render_template(
        "catalog/producer.html",
        producer=item,
        on_sale=[p for p, _c, _r in on_sale],
        off_sale=off_sale,
        today=today,
    )


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page worth indexing, each with its Vietnamese and English address.

    Sellable products, active producers, published events and gift sets on sale.
    """
    today = today_in_vietnam()
    product_slugs = db.session.scalars(
        select(Product.slug).where(is_sellable(today)).order_by(Product.id)
    ).all()
    producer_slugs = db.session.scalars(
        select(Producer.slug).where(Producer.status == ProducerStatus.ACTIVE).order_by(Producer.id)
    ).all()
    event_slugs = db.session.scalars(
        select(Event.slug).where(Event.is_published.is_(True)).order_by(Event.id)
    ).all()
    gift_set_slugs = db.session.scalars(
        select(GiftSet.slug).where(GiftSet.is_active.is_(True)).order_by(GiftSet.id)
    ).all()
    paths = (
        [url_for(endpoint) for endpoint in ("catalog.home", "catalog.products", "events.index")]
        + [url_for("programme.dashboard")]
        + [url_for("catalog.product", slug=s) for s in product_slugs]
        + [url_for("catalog.producer", slug=s) for s in producer_slugs]
        + [url_for("events.event", slug=s) for s in event_slugs]
        + [url_for("events.gift_set", slug=s) for s in gift_set_slugs]
    )
    body = render_template("catalog/sitemap.xml", paths=paths)
    return Response(body, mimetype="application/xml")
