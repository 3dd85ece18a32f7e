"""Catalog services: certification, what may be sold, and the search text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, select
from sqlalchemy.sql.elements import ColumnElement

from ..core.clock import today_in_vietnam
from ..extensions import db
from ..text import fold
from .models import Certificate, Producer, ProducerStatus, Product, valid_until_for


def certificate_allows_sale(today: date) -> ColumnElement[bool]:
    """SQL: the certificate row is in force on ``today`` (not revoked, not expired)."""
    return and_(
        Certificate.decision_date <= today,
        Certificate.valid_until >= today,
        (Certificate.revoked_on.is_(None)) | (Certificate.revoked_on > today),
    )


def is_sellable(today: date) -> ColumnElement[bool]:
    """SQL: listed, its producer active, and a certificate in force on ``today``."""
    return and_(
        Product.is_listed.is_(True),
        Product.producer_id.in_(
            select(Producer.id).where(Producer.status == ProducerStatus.ACTIVE)
        ),
        exists().where(Certificate.product_id == Product.id, certificate_allows_sale(today)),
    )


def current_certificate(product: Product, today: date | None = None) -> Certificate | None:
    """The certificate in force today, else the latest one (to explain why it is not)."""
    today = today or today_in_vietnam()
    in_force = [c for c in product.certificates if c.allows_sale(today)]
    if in_force:
        return max(in_force, key=lambda c: c.decision_date)
    return product.latest_certificate()


def refresh_search_text(product: Product) -> None:
    """Recompute the folded text that search matches: product, producer and place names."""
    parts = [product.name_vi, product.name_en, product.producer.name if product.producer else ""]
    for holder in (product, product.producer):
        if holder is None:
            continue
        parts.append(holder.address_as_written)
        for place in (holder.legacy_place, holder.current_place):
            while place is not None:
                parts.append(place.name)
                place = place.parent
    seen: list[str] = []
    for part in parts:
        folded = fold(part)
        if folded and folded not in seen:
            seen.append(folded)
    product.search_text = " | ".join(seen)


def add_certificate(
    product: Product,
    *,
    stars: int,
    level: str,
    issuing_body: str,
    decision_number: str,
    decision_date: date,
    score: int | None = None,
) -> Certificate:
    """Record a council decision for ``product`` (the caller commits)."""
    previous = product.latest_certificate()
    certificate = Certificate(
        product=product,
        stars=stars,
        level=level,
        issuing_body=issuing_body,
        decision_number=decision_number,
        decision_date=decision_date,
        valid_until=valid_until_for(decision_date),
        score=score,
        renews_id=previous.id if previous is not None else None,
    )
    db.session.add(certificate)
    return certificate
