"""Office services: producers, certificates, filtered lists and their CSV, the audit log.

Each function that writes owns its transaction and records who changed what (before and after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..catalog.models import Certificate, Producer, ProducerStatus, Product
from ..catalog.services import add_certificate, refresh_search_text
from ..core.clock import today_in_vietnam
from ..core.errors import UserError
from ..core.models import AuditEntry
from ..core.services import record_change
from ..core.spreadsheet import csv_text
from ..dashboard.services import changed, snapshot
from ..extensions import db
from ..places.services import resolve_legacy_address
from ..text import fold, normalize_phone, slugify

PRODUCER_FIELDS = (
    "name",
    "slug",
    "kind",
    "tax_code",
    "phone",
    "email",
    "address_line",
    "address_as_written",
    "legacy_place_id",
    "current_place_id",
    "status",
    "suspended_reason",
)
CERTIFICATE_FIELDS = (
    "product_id",
    "stars",
    "score",
    "level",
    "issuing_body",
    "decision_number",
    "decision_date",
    "valid_until",
    "revoked_on",
    "revoked_reason",
)
PAGE_SIZE = 100


def parse_date(text: str | None) -> date | None:
    """A date typed as 2025-08-15 or 15/08/2025; None if it is neither."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# Producers


def _producer_slug(values: dict[str, Any], producer_id: int | None) -> str:
    slug = (values.get("slug") or "").strip() or slugify(values["name"])
    taken = db.session.scalar(
        select(Producer.id).where(Producer.slug == slug, Producer.id != (producer_id or 0))
    )
    if taken is not None:
        raise UserError(
            _("The web address “%(slug)s” is already used by another producer.", slug=slug), 409
        )
    return slug


def save_producer(actor: User, producer: Producer | None, values: dict[str, Any]) -> Producer:
    """Create or edit a producer; its 2024 district and commune are matched to our places.

    Raises UserError (409) when the web address is taken.
    """
    slug = _producer_slug(values, producer.id if producer else None)
    creating = producer is None
    before = {} if creating else snapshot(producer, PRODUCER_FIELDS)
    if creating:
        producer = Producer(slug=slug, name=values["name"].strip())
        db.session.add(producer)
    producer.slug = slug
    producer.name = values["name"].strip()
    producer.kind = values["kind"]
    producer.tax_code = (values.get("tax_code") or "").strip() or None
    producer.phone = normalize_phone(values.get("phone")) if values.get("phone") else None
    producer.email = (values.get("email") or "").strip() or None
    producer.address_line = (values.get("address_line") or "").strip()
    district, commune = (
        (values.get("district") or "").strip(),
        (values.get("commune") or "").strip(),
    )
    if district or commune:
        address = resolve_legacy_address(district, commune)
        if address.as_written != producer.address_as_written:
            producer.address_as_written = address.as_written
            producer.legacy_place = address.legacy
            producer.current_place = address.current
    db.session.flush()
    old, new = changed(before, snapshot(producer, PRODUCER_FIELDS))
    if new:
        record_change(
            actor,
            "create_producer" if creating else "update_producer",
            producer,
            old,
            new,
            producer_id=producer.id,
        )
        _refresh_products(producer)
    db.session.commit()
    return producer


def _refresh_products(producer: Producer) -> None:
    for product in db.session.scalars(select(Product).where(Product.producer_id == producer.id)):
        refresh_search_text(product)


def suspend_producer(actor: User, producer: Producer, reason: str) -> None:
    """Suspend a producer: all its products leave the catalog at once (is_sellable checks it)."""
    before = {"status": producer.status, "suspended_reason": producer.suspended_reason}
    producer.status = ProducerStatus.SUSPENDED
    producer.suspended_reason = reason.strip()
    record_change(
        actor,
        "suspend_producer",
        producer,
        before,
        {"status": producer.status, "suspended_reason": producer.suspended_reason},
        producer_id=producer.id,
    )
    db.session.commit()


def reactivate_producer(actor: User, producer: Producer) -> None:
    before = {"status": producer.status, "suspended_reason": producer.suspended_reason}
    producer.status = ProducerStatus.ACTIVE
    producer.suspended_reason = None
    record_change(
        actor,
        "reactivate_producer",
        producer,
        before,
        {"status": producer.status, "suspended_reason": None},
        producer_id=producer.id,
    )
    db.session.commit()


# Certificates


def record_certificate(actor: User, product: Product, values: dict[str, Any]) -> Certificate:
    """Record a council decision (a renewal is simply a newer decision for the same product).

    Raises UserError (409) if this product already has a decision with that number.
    """
    number = values["decision_number"].strip()
    if db.session.scalar(
        select(Certificate.id).where(
            Certificate.product_id == product.id, Certificate.decision_number == number
        )
    ):
        raise UserError(
            _("Decision %(number)s is already recorded for this product.", number=number), 409
        )
    score = values.get("score")
    certificate = add_certificate(
        product,
        stars=int(values["stars"]),
        level=values["level"],
        issuing_body=values["issuing_body"].strip(),
        decision_number=number,
        decision_date=values["decision_date"],
        score=int(score) if score not in (None, "") else None,
    )
    db.session.flush()
    record_change(
        actor,
        "record_certificate",
        certificate,
        None,
        snapshot(certificate, CERTIFICATE_FIELDS),
        producer_id=product.producer_id,
    )
    db.session.commit()
    return certificate


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> None:
    """Revoke from today: the product leaves the catalog at once and its page says why."""
    if certificate.revoked_on is not None:
        raise UserError(_("This certificate is already revoked."), 409)
    before = {"revoked_on": None, "revoked_reason": None}
    certificate.revoked_on = today_in_vietnam()
    certificate.revoked_reason = reason.strip()
    record_change(
        actor,
        "revoke_certificate",
        certificate,
        before,
        {"revoked_on": certificate.revoked_on, "revoked_reason": certificate.revoked_reason},
        producer_id=certificate.product.producer_id,
    )
    db.session.commit()


@dataclass(frozen=True)
class CertificateFilters:
    status: str = ""  # expiring30 / expiring90 / expiring180 / valid / expired / revoked
    stars: int | None = None
    place: str = ""
    q: str = ""


STATUS_FILTERS = ("expiring30", "expiring90", "expiring180", "valid", "expired", "revoked")


def certificates_query(filters: CertificateFilters, today: date | None = None) -> Select:
    """Certificates matching the filters, soonest expiry first."""
    today = today or today_in_vietnam()
    query = (
        select(Certificate)
        .join(Certificate.product)
        .join(Product.producer)
        .options(joinedload(Certificate.product).joinedload(Product.producer))
    )
    not_revoked = or_(Certificate.revoked_on.is_(None), Certificate.revoked_on > today)
    if filters.status.startswith("expiring"):
        days = int(filters.status.removeprefix("expiring"))
        query = query.where(
            not_revoked,
            Certificate.valid_until >= today,
            Certificate.valid_until < today + timedelta(days=days),
        )
    elif filters.status == "valid":
        query = query.where(not_revoked, Certificate.valid_until >= today)
    elif filters.status == "expired":
        query = query.where(not_revoked, Certificate.valid_until < today)
    elif filters.status == "revoked":
        query = query.where(Certificate.revoked_on.is_not(None), Certificate.revoked_on <= today)
    if filters.stars:
        query = query.where(Certificate.stars == filters.stars)
    for text in (filters.place, filters.q):
        folded = fold(text)
        if folded:
            query = query.where(Product.search_text.contains(folded, autoescape=True))
    return query.order_by(Certificate.valid_until, Certificate.id)


CSV_HEADER = (
    "decision_number",
    "decision_date",
    "valid_until",
    "status",
    "stars",
    "score",
    "level",
    "issuing_body",
    "product_slug",
    "product_name_vi",
    "producer_name",
    "producer_tax_code",
    "address_as_written",
    "address_now",
    "revoked_on",
    "revoked_reason",
)


def certificates_csv(certificates: list[Certificate], today: date | None = None) -> str:
    """The list as UTF-8 CSV (with BOM, so spreadsheet programs read Vietnamese right)."""
    return csv_text(CSV_HEADER, (_certificate_row(c, today) for c in certificates))


def _certificate_row(c: Certificate, today: date | None) -> list[object]:
    p = c.product
    return [
        c.decision_number,
        c.decision_date.isoformat(),
        c.valid_until.isoformat(),
        c.status(today).value,
        c.stars,
        c.score or "",
        c.level,
        c.issuing_body,
        p.slug,
        p.name_vi,
        p.producer.name,
        p.producer.tax_code or "",
        p.address_then or p.producer.address_then,
        p.address_now or p.producer.address_now,
        c.revoked_on.isoformat() if c.revoked_on else "",
        c.revoked_reason or "",
    ]


# Audit log


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    action: str = ""
    actor: str = ""
    producer_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_query(filters: AuditFilters) -> Select:
    query = select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_id)
    conditions = []
    if filters.object_type:
        conditions.append(AuditEntry.object_type == filters.object_type)
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.actor:
        conditions.append(func.lower(User.email).contains(filters.actor.lower(), autoescape=True))
    if filters.producer_id:
        conditions.append(AuditEntry.producer_id == filters.producer_id)
    if filters.since:
        conditions.append(AuditEntry.at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        conditions.append(
            AuditEntry.at
            < datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC)
        )
    if conditions:
        query = query.where(and_(*conditions))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
