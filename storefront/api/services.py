"""Open data: products, producers and certificates as plain JSON-ready dicts, with filters."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from ..catalog.models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    CertificateStatus,
    Producer,
    ProducerKind,
    Product,
)
from ..catalog.product_sets import GROUPS, PRODUCT_SETS, sets_in_group
from ..catalog.services import certificate_allows_sale, current_certificate, is_sellable
from ..core.errors import UserError
from ..extensions import db
from ..places.models import Place
from ..text import fold

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000


def _int(args, name: str, low: int, high: int, default: int | None = None) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(_("%(name)s must be a whole number.", name=name)) from None
    if not low <= value <= high:
        raise UserError(
            _("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high)
        )
    return value


def _choice(args, name: str, choices) -> str | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise UserError(
            _("%(name)s must be one of: %(choices)s.", name=name, choices=", ".join(choices))
        )
    return raw


def _text(args, name: str) -> str | None:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return None
    if len(raw) > 200:
        raise UserError(_("%(name)s is too long (200 characters at most).", name=name))
    return raw.strip()


def page_args(args) -> tuple[int, int]:
    page = _int(args, "page", 1, MAX_PAGE, 1)
    per_page = _int(args, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    return page, per_page


def paginate(query: Select, page: int, per_page: int, endpoint: str, args) -> tuple[list, dict]:
    """The page's rows and the pagination block (total, page, per_page, next and previous URLs)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    params = {k: v for k, v in args.items() if k not in ("page",)}

    def link(n: int) -> str:
        return url_for(endpoint, _external=True, **{**params, "page": n})

    meta = {
        "total": total,
        "page": page,
        "per_page": per_page,
        "next": link(page + 1) if page * per_page < total else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return rows, meta


def _place(place: Place | None) -> dict | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "full_name": place.full_name,
        "level": place.level,
        "code": place.code,
    }


def product_json(product: Product, today: date) -> dict:
    certificate = current_certificate(product, today)
    product_set = PRODUCT_SETS[product.product_set]
    return {
        "id": product.id,
        "slug": product.slug,
        "name_vi": product.name_vi,
        "name_en": product.name_en or None,
        "url": url_for("catalog.product", slug=product.slug, _external=True),
        "product_set": product.product_set,
        "product_set_name_en": product_set.name_en,
        "group": product_set.group.code,
        "stars": certificate.stars if certificate else None,
        "certificate_status": certificate.status(today).value if certificate else None,
        "certificate_id": certificate.id if certificate else None,
        "producer": {
            "id": product.producer.id,
            "slug": product.producer.slug,
            "name": product.producer.name,
        },
        "address_as_certified": product.address_then,
        "address_now": product.address_now,
        "place_2024": _place(product.legacy_place),
        "place_now": _place(product.current_place),
        "variants": [
            {
                "sku": v.sku,
                "label_vi": v.label_vi,
                "label_en": v.label_en or None,
                "price_vnd": v.price,
                "in_stock": v.stock > 0,
                "gtin": v.gtin,
            }
            for v in product.variants
            if v.is_active
        ],
    }


def products_query(args, today: date) -> Select:
    """Published OCOP products: listed, producer active, certificate in force."""
    query = (
        select(Product)
        .where(is_sellable(today))
        .options(selectinload(Product.certificates), selectinload(Product.variants))
        .order_by(Product.id)
    )
    stars = _int(args, "stars", 3, 5)
    product_set = _int(args, "set", 1, 26)
    group = _choice(args, "group", list(GROUPS))
    producer = _text(args, "producer")
    q = _text(args, "q")
    place = _text(args, "place")
    if stars is not None:
        query = query.where(
            Product.id.in_(
                select(Certificate.product_id).where(
                    Certificate.stars == stars, certificate_allows_sale(today)
                )
            )
        )
    if product_set is not None:
        query = query.where(Product.product_set == product_set)
    if group is not None:
        query = query.where(Product.product_set.in_(sets_in_group(group)))
    if producer is not None:
        query = query.where(
            Product.producer_id.in_(select(Producer.id).where(Producer.slug == producer))
        )
    for term in (q, place):
        if term is not None:
            query = query.where(Product.search_text.contains(fold(term)))
    return query


def producer_json(producer: Producer, product_count: int) -> dict:
    return {
        "id": producer.id,
        "slug": producer.slug,
        "name": producer.name,
        "kind": producer.kind,
        "url": url_for("catalog.producer", slug=producer.slug, _external=True),
        "address_as_certified": producer.address_then,
        "address_now": producer.address_now,
        "place_2024": _place(producer.legacy_place),
        "place_now": _place(producer.current_place),
        "website": producer.website,
        "published_products": product_count,
    }


def producers_query(args, today: date) -> Select:
    """Active producers with at least one published product."""
    published = select(Product.producer_id).where(is_sellable(today))
    query = (
        select(Producer)
        .where(Producer.status == "active", Producer.id.in_(published))
        .order_by(Producer.id)
    )
    kind = _choice(args, "kind", [k.value for k in ProducerKind])
    place = _text(args, "place")
    q = _text(args, "q")
    if kind is not None:
        query = query.where(Producer.kind == kind)
    for term in (place, q):
        if term is not None:
            query = query.where(
                Producer.id.in_(
                    select(Product.producer_id).where(Product.search_text.contains(fold(term)))
                )
            )
    return query


def published_counts(producer_ids: list[int], today: date) -> dict[int, int]:
    rows = db.session.execute(
        select(Product.producer_id, func.count())
        .where(Product.producer_id.in_(producer_ids), is_sellable(today))
        .group_by(Product.producer_id)
    ).all()
    return dict(rows)


def certificate_json(certificate: Certificate, today: date) -> dict:
    product = certificate.product
    return {
        "id": certificate.id,
        "product": {
            "id": product.id,
            "slug": product.slug,
            "name_vi": product.name_vi,
            "producer": product.producer.name,
        },
        "stars": certificate.stars,
        "score": certificate.score,
        "level": certificate.level,
        "issuing_body": certificate.issuing_body,
        "decision_number": certificate.decision_number,
        "decision_date": certificate.decision_date.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "status": certificate.status(today).value,
        "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
        "revoked_reason": certificate.revoked_reason,
        "renews_id": certificate.renews_id,
    }


def certificates_query(args, today: date) -> Select:
    """Council decisions for listed products, whatever their status (decisions are public)."""
    query = (
        select(Certificate)
        .join(Product, Product.id == Certificate.product_id)
        .where(Product.is_listed.is_(True))
        .options(selectinload(Certificate.product))
        .order_by(Certificate.id)
    )
    stars = _int(args, "stars", 3, 5)
    year = _int(args, "year", 2000, 2100)
    status = _choice(args, "status", [s.value for s in CertificateStatus])
    product = _text(args, "product")
    renewal = _choice(args, "renewal", ["new", "renewed"])
    if stars is not None:
        query = query.where(Certificate.stars == stars)
    if year is not None:
        query = query.where(
            Certificate.decision_date >= date(year, 1, 1),
            Certificate.decision_date <= date(year, 12, 31),
        )
    if product is not None:
        query = query.where(Product.slug == product)
    if renewal == "new":
        query = query.where(Certificate.renews_id.is_(None))
    elif renewal == "renewed":
        query = query.where(Certificate.renews_id.is_not(None))
    if status is not None:
        query = query.where(_status_is(status, today))
    return query


def _status_is(status: str, today: date) -> ColumnElement[bool]:
    """SQL for Certificate.status(today) == status."""
    revoked = Certificate.revoked_on.is_not(None) & (Certificate.revoked_on <= today)
    if status == CertificateStatus.REVOKED:
        return revoked
    if status == CertificateStatus.EXPIRED:
        return ~revoked & (Certificate.valid_until < today)
    soon = Certificate.valid_until < today + timedelta(days=EXPIRING_WITHIN_DAYS)
    return (
        ~revoked
        & (Certificate.valid_until >= today)
        & (soon if status == CertificateStatus.EXPIRING else ~soon)
    )
