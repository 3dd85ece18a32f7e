"""Traceability models: growing areas, batches, EPCIS events, stamps, scans and reports."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Product, Variant
from ..core.clock import utcnow
from ..extensions import db
from ..places.models import AddressMixin, Place


class AreaStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


DOMESTIC = "domestic"


class GrowingArea(AddressMixin, db.Model):
    """A growing area (vùng trồng) with its code exactly as the authority issued it.

    ``market`` is "domestic" or the ISO 3166 code of the export market the code was issued for.
    ``hectares_x100`` keeps the area in hundredths of a hectare so sums stay exact.
    """

    __tablename__ = "growing_areas"
    __table_args__ = (
        UniqueConstraint("code", "market", name="code_market"),
        CheckConstraint("status IN ('active', 'suspended', 'cancelled')", name="status"),
        CheckConstraint("hectares_x100 >= 0", name="hectares_not_negative"),
        CheckConstraint("households >= 0", name="households_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    market: Mapped[str] = mapped_column(String(10), default=DOMESTIC)
    crop_vi: Mapped[str] = mapped_column(String(120))
    crop_en: Mapped[str] = mapped_column(String(120), default="")
    variety: Mapped[str] = mapped_column(String(120), default="")
    hectares_x100: Mapped[int] = mapped_column(Integer, default=0)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    households: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=AreaStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    standards: Mapped[list[AreaStandard]] = relationship(
        back_populates="area", order_by="AreaStandard.id", cascade="all, delete-orphan"
    )

    @property
    def hectares(self) -> str:
        """The area as written in hectares, e.g. "12.50"."""
        return f"{self.hectares_x100 // 100}.{self.hectares_x100 % 100:02d}"


class Scheme(enum.StrEnum):
    VIETGAP = "vietgap"
    GLOBALGAP = "globalgap"
    ORGANIC = "organic"


class AreaStandard(db.Model):
    """A standard a growing area is certified to, with its certificate number and validity."""

    __tablename__ = "area_standards"
    __table_args__ = (
        CheckConstraint("scheme IN ('vietgap', 'globalgap', 'organic')", name="scheme"),
        CheckConstraint("valid_until >= valid_from", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("growing_areas.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(10))
    certificate_number: Mapped[str] = mapped_column(String(80))
    issued_by: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)

    area: Mapped[GrowingArea] = relationship(back_populates="standards")

    def is_valid(self, today: date) -> bool:
        return self.valid_from <= today <= self.valid_until


batch_areas = Table(
    "batch_areas",
    db.metadata,
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("growing_areas.id"), primary_key=True),
)


class Batch(db.Model):
    """A production batch (lô) of one variant, with its lot code, dates and timeline."""

    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_code", name="product_lot"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("expires_on IS NULL OR expires_on >= produced_on", name="expiry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    lot_code: Mapped[str] = mapped_column(String(20))
    produced_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    recalled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recall_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    product: Mapped[Product] = relationship(lazy="joined")
    variant: Mapped[Variant] = relationship(lazy="joined")
    areas: Mapped[list[GrowingArea]] = relationship(secondary=batch_areas, order_by=GrowingArea.id)
    events: Mapped[list[TraceEvent]] = relationship(
        back_populates="batch",
        order_by="TraceEvent.event_time",
        cascade="all, delete-orphan",
    )

    @property
    def producer_id(self) -> int:
        return self.product.producer_id

    def is_expired(self, today: date) -> bool:
        return self.expires_on is not None and today > self.expires_on


class EventType(enum.StrEnum):
    OBJECT = "ObjectEvent"
    TRANSFORMATION = "TransformationEvent"


# CBV 2.0 business steps offered to producers (bare words, as EPCIS 2.0 JSON-LD writes them).
BIZ_STEPS = (
    "commissioning",
    "inspecting",
    "packing",
    "storing",
    "shipping",
    "receiving",
    "retail_selling",
    "destroying",
)


class TraceEvent(db.Model):
    """One EPCIS 2.0 event in a batch's life (a harvest, processing, inspection, shipment…).

    A harvest is an ObjectEvent ADD with bizStep "commissioning" and ``ilmd["harvestDate"]``;
    processing is a TransformationEvent whose inputs are described in ``inputs``.
    """

    __tablename__ = "trace_events"
    __table_args__ = (
        CheckConstraint("event_type IN ('ObjectEvent', 'TransformationEvent')", name="event_type"),
        CheckConstraint("action IS NULL OR action IN ('ADD', 'OBSERVE', 'DELETE')", name="action"),
        Index("ix_trace_events_batch_time", "batch_id", "event_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    event_type: Mapped[str] = mapped_column(String(24), default=EventType.OBJECT)
    action: Mapped[str | None] = mapped_column(String(8))
    biz_step: Mapped[str] = mapped_column(String(40))
    disposition: Mapped[str | None] = mapped_column(String(40))
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tz_offset: Mapped[str] = mapped_column(String(6), default="+07:00")
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    place_text: Mapped[str] = mapped_column(String(255), default="")
    who: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    ilmd: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # TransformationEvent only: what went in, as text ("1,2 t vải tươi, lô VT2506").
    inputs: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    batch: Mapped[Batch] = relationship(back_populates="events")
    place: Mapped[Place | None] = relationship()
    attachments: Mapped[list[EventAttachment]] = relationship(
        back_populates="event", order_by="EventAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_harvest(self) -> bool:
        return bool(self.ilmd and self.ilmd.get("harvestDate"))


class EventAttachment(db.Model):
    """A photo (re-encoded with a thumbnail) or a lab report PDF attached to an event."""

    __tablename__ = "event_attachments"
    __table_args__ = (CheckConstraint("kind IN ('photo', 'pdf')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("trace_events.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[TraceEvent] = relationship(back_populates="attachments")


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class StampRun(db.Model):
    """A print run of N stamps for a batch; its sheet is rendered in the background."""

    __tablename__ = "stamp_runs"
    __table_args__ = (
        CheckConstraint("count BETWEEN 1 AND 100000", name="count"),
        CheckConstraint("status IN ('pending', 'rendering', 'ready', 'failed')", name="status"),
        CheckConstraint("layout IN ('a4', 'roll', 'svg', 'png')", name="layout"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    count: Mapped[int] = mapped_column(Integer)
    layout: Mapped[str] = mapped_column(String(8), default="a4")
    with_pin: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.PENDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    file_path: Mapped[str | None] = mapped_column(String(255))
    pins_path: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(String(300))

    batch: Mapped[Batch] = relationship(lazy="joined")


class Stamp(db.Model):
    """One printed stamp (tem truy xuất): a serial within its batch and a signed public code.

    Scans are counted on the row itself (``scan_count``, ``first_scan_at``) by atomic UPDATEs, and
    distinct devices in ``stamp_scans``.
    """

    __tablename__ = "stamps"
    __table_args__ = (UniqueConstraint("batch_id", "serial", name="batch_serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("stamp_runs.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    serial: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scan_count: Mapped[int] = mapped_column(BigInteger, default=0)
    first_scan_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    run: Mapped[StampRun] = relationship()
    batch: Mapped[Batch] = relationship()


class StampScan(db.Model):
    """One scan: when, and a keyed hash of the first-party device cookie (no IP, no raw id)."""

    __tablename__ = "stamp_scans"
    __table_args__ = (Index("ix_stamp_scans_stamp_time", "stamp_id", "scanned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp_id: Mapped[int] = mapped_column(ForeignKey("stamps.id"))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    device_hash: Mapped[str] = mapped_column(String(32))


class ReportStatus(enum.StrEnum):
    NEW = "new"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


class ProblemReport(db.Model):
    """A consumer's report about a stamp or product, followed up by the OCOP office."""

    __tablename__ = "problem_reports"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'investigating', 'closed')", name="status"),
        CheckConstraint("status <> 'closed' OR finding <> ''", name="closed_has_finding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp_id: Mapped[int | None] = mapped_column(ForeignKey("stamps.id"), index=True)
    code_as_entered: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.NEW, index=True)
    finding: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    stamp: Mapped[Stamp | None] = relationship()
