"""Import producers, products and certificates from the office's CSV spreadsheets.

One row is one council decision for one product of one producer. Every row is checked first;
if any row is wrong nothing is saved. Records already present (same producer name, same product
name for that producer, same decision number for that product) are left as they are, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..catalog.models import Certificate, CertifyingLevel, Producer, ProducerKind, Product
from ..catalog.product_sets import PRODUCT_SETS
from ..catalog.services import add_certificate, refresh_search_text
from ..core.clock import today_in_vietnam
from ..core.errors import UserError
from ..core.services import record_change
from ..extensions import db
from ..places.services import resolve_legacy_address
from ..text import fold, is_valid_tax_code, normalize_phone, slugify
from .services import parse_date

REQUIRED_COLUMNS = (
    "producer_name",
    "product_name_vi",
    "product_set",
    "stars",
    "level",
    "issuing_body",
    "decision_number",
    "decision_date",
)
OPTIONAL_COLUMNS = (
    "producer_kind",
    "producer_tax_code",
    "producer_phone",
    "district_2024",
    "commune_2024",
    "product_name_en",
    "score",
)
MAX_ROWS = 5000


@dataclass
class RowResult:
    line: int
    producer: str
    product: str
    decision: str
    errors: list[str] = field(default_factory=list)
    outcome: str = ""  # "new" parts joined, or "unchanged"


@dataclass
class ImportReport:
    rows: list[RowResult]
    saved: bool = False
    producers: int = 0
    products: int = 0
    certificates: int = 0

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


@dataclass
class _Row:
    result: RowResult
    values: dict[str, str]
    decision_date: date | None = None


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Decode and parse the upload. Raises UserError for wrong encoding or missing columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            _(
                "The file is not UTF-8 text. In your spreadsheet program choose “Save as” → "
                "“CSV UTF-8” and upload that file. Nothing was imported."
            )
        ) from None
    if not text.strip():
        raise UserError(_("The file is empty. Nothing was imported."))
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise UserError(
            _(
                "These columns are missing: %(columns)s. Nothing was imported.",
                columns=", ".join(missing),
            )
        )
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    if len(rows) > MAX_ROWS:
        raise UserError(
            _("At most %(n)s rows can be imported at once. Nothing was imported.", n=MAX_ROWS)
        )
    return rows


def _check(row: dict[str, str], result: RowResult) -> date | None:
    errors = result.errors
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            errors.append(_("%(column)s is empty.", column=column))
    kind = row.get("producer_kind") or ProducerKind.HOUSEHOLD
    if kind not in {k.value for k in ProducerKind}:
        errors.append(
            _(
                "producer_kind must be one of: %(values)s.",
                values=", ".join(k.value for k in ProducerKind),
            )
        )
    if row.get("producer_tax_code") and not is_valid_tax_code(row["producer_tax_code"]):
        errors.append(_("producer_tax_code is not a valid tax code."))
    if row.get("producer_phone") and normalize_phone(row["producer_phone"]) is None:
        errors.append(_("producer_phone is not a Vietnamese phone number."))
    if row.get("product_set") and not (
        row["product_set"].isdigit() and int(row["product_set"]) in PRODUCT_SETS
    ):
        errors.append(_("product_set must be a number from 1 to 26."))
    if row.get("stars") and row["stars"] not in ("3", "4", "5"):
        errors.append(_("stars must be 3, 4 or 5."))
    if row.get("score") and not (row["score"].isdigit() and 50 <= int(row["score"]) <= 100):
        errors.append(_("score must be a whole number from 50 to 100."))
    if row.get("level") and row["level"] not in {k.value for k in CertifyingLevel}:
        errors.append(
            _(
                "level must be one of: %(values)s.",
                values=", ".join(k.value for k in CertifyingLevel),
            )
        )
    for column, limit in (
        ("producer_name", 200),
        ("product_name_vi", 200),
        ("product_name_en", 200),
        ("issuing_body", 200),
        ("decision_number", 60),
    ):
        if len(row.get(column) or "") > limit:
            errors.append(_("%(column)s is longer than %(n)s characters.", column=column, n=limit))
    decided = None
    if row.get("decision_date"):
        decided = parse_date(row["decision_date"])
        if decided is None:
            errors.append(_("decision_date must be a date such as 2025-08-15 or 15/08/2025."))
        elif decided > today_in_vietnam():
            errors.append(_("decision_date is in the future."))
    return decided


def validate(data: bytes) -> tuple[ImportReport, list[_Row]]:
    """Check every row without saving anything."""
    rows: list[_Row] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, values in enumerate(read_csv(data), start=2):
        result = RowResult(
            line,
            values.get("producer_name", ""),
            values.get("product_name_vi", ""),
            values.get("decision_number", ""),
        )
        decided = _check(values, result)
        key = (fold(result.producer), fold(result.product), result.decision.lower())
        if not result.errors:
            if key in seen:
                result.errors.append(_("This row repeats row %(line)s.", line=seen[key]))
            else:
                seen[key] = line
        rows.append(_Row(result, values, decided))
    if not rows:
        raise UserError(_("The file has no rows under its header. Nothing was imported."))
    return ImportReport([r.result for r in rows]), rows


def import_csv(actor: User, data: bytes) -> ImportReport:
    """Validate, then import every row in one transaction, or none if any row is wrong."""
    report, rows = validate(data)
    if report.error_count:
        return report
    reserved_slugs: set[str] = set()
    try:
        for row in rows:
            _import_row(actor, row, report, reserved_slugs)
        if report.error_count:
            db.session.rollback()
            report.producers = report.products = report.certificates = 0
            return report
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.saved = True
    return report


def _producer(actor: User, values: dict[str, str], report: ImportReport) -> tuple[Producer, bool]:
    name = values["producer_name"]
    slug = slugify(name)
    producer = db.session.scalar(select(Producer).where(Producer.slug == slug))
    if producer is not None:
        return producer, False
    address = resolve_legacy_address(
        values.get("district_2024", ""), values.get("commune_2024", "")
    )
    producer = Producer(
        slug=slug,
        name=name,
        kind=values.get("producer_kind") or ProducerKind.HOUSEHOLD,
        tax_code=values.get("producer_tax_code") or None,
        phone=normalize_phone(values.get("producer_phone")),
        address_as_written=address.as_written,
        legacy_place=address.legacy,
        current_place=address.current,
    )
    db.session.add(producer)
    db.session.flush()
    record_change(
        actor,
        "import_producer",
        producer,
        None,
        {"name": name, "slug": slug},
        producer_id=producer.id,
    )
    report.producers += 1
    return producer, True


def _product(actor, values, producer, report, reserved_slugs) -> tuple[Product | None, bool]:
    name = values["product_name_vi"]
    for product in db.session.scalars(select(Product).where(Product.producer_id == producer.id)):
        if fold(product.name_vi) == fold(name):
            return product, False
    slug = None
    for candidate in (slugify(name), slugify(f"{name} {producer.name}")):
        taken = db.session.scalar(select(Product.id).where(Product.slug == candidate))
        if taken is None and candidate not in reserved_slugs:
            slug = candidate
            break
    if slug is None:
        return None, False
    reserved_slugs.add(slug)
    product = Product(
        slug=slug,
        producer=producer,
        product_set=int(values["product_set"]),
        name_vi=name,
        name_en=values.get("product_name_en", ""),
        is_listed=True,
        address_as_written=producer.address_as_written,
        legacy_place=producer.legacy_place,
        current_place=producer.current_place,
    )
    db.session.add(product)
    db.session.flush()
    refresh_search_text(product)
    record_change(actor, "import_product", product, None, {"name_vi": name, "slug": slug})
    report.products += 1
    return product, True


def _import_row(actor: User, row: _Row, report: ImportReport, reserved_slugs: set[str]) -> None:
    values, result = row.values, row.result
    producer, new_producer = _producer(actor, values, report)
    product, new_product = _product(actor, values, producer, report, reserved_slugs)
    if product is None:
        result.errors.append(_("No free web address for this product; rename it."))
        return
    number = values["decision_number"]
    exists = db.session.scalar(
        select(Certificate.id).where(
            Certificate.product_id == product.id, Certificate.decision_number == number
        )
    )
    new_certificate = exists is None
    if new_certificate:
        db.session.expire(product, ["certificates"])
        certificate = add_certificate(
            product,
            stars=int(values["stars"]),
            level=values["level"],
            issuing_body=values["issuing_body"],
            decision_number=number,
            decision_date=row.decision_date,
            score=int(values["score"]) if values.get("score") else None,
        )
        db.session.flush()
        record_change(
            actor,
            "import_certificate",
            certificate,
            None,
            {"decision_number": number, "stars": certificate.stars},
            producer_id=producer.id,
        )
        report.certificates += 1
    parts = [
        label
        for label, new in (
            (_("new producer"), new_producer),
            (_("new product"), new_product),
            (_("new certificate"), new_certificate),
        )
        if new
    ]
    result.outcome = ", ".join(parts) if parts else _("already imported, unchanged")
