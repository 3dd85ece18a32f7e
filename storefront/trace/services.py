"""Traceability services: records, stamp runs, scans and their verdict, PINs and reports."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from ..catalog.models import Product
from ..catalog.services import current_certificate
from ..core.clock import utcnow
from ..core.errors import UserError
from ..core.services import record_change
from ..extensions import db
from . import codes
from .models import (
    Batch,
    ProblemReport,
    ReportStatus,
    RunStatus,
    Stamp,
    StampRun,
    StampScan,
)
from .printing import Label, StampText, render_pdf, render_pins, render_zip

PDF_MAX_BYTES = 10 * 1024 * 1024
DEVICE_COOKIE = "ocop_device"
FORMATS = ("a4", "roll", "svg", "png")


def signing_key() -> bytes:
    return codes.derive_key(current_app.config["STAMP_SIGNING_KEY"])


def stamp_url(code: str) -> str:
    """The URL a stamp's QR encodes, in upper case so the QR uses alphanumeric mode."""
    return (current_app.config["SITE_URL"].rstrip("/") + "/t/" + code).upper()


def find_stamp(raw: str) -> tuple[str | None, Stamp | None]:
    """(canonical code, stamp) for a scanned code; a forged code is refused before any query."""
    code = codes.verify(signing_key(), raw)
    if code is None:
        return None, None
    return code, db.session.scalar(select(Stamp).where(Stamp.code == code))


# Attachments


def check_pdf(data: bytes) -> None:
    """Refuse anything that is not a PDF by its magic bytes, or is empty or over 10 MB."""
    if not data:
        raise UserError(_("Choose a file to upload."))
    if len(data) > PDF_MAX_BYTES:
        raise UserError(_("That PDF is larger than 10 MB. Please upload a smaller one."), 413)
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise UserError(_("That file is not a PDF document."))


def store_pdf(data: bytes) -> str:
    """Store a checked PDF under UPLOAD_DIR by content hash; returns its media path."""
    check_pdf(data)
    name = hashlib.sha256(data).hexdigest()[:24]
    folder = Path(current_app.config["UPLOAD_DIR"]) / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pdf").write_bytes(data)
    return f"pdf/{name}.pdf"


# Stamp runs


def start_run(
    batch: Batch, count: int, fmt: str, with_pin: bool, actor: Any, background: bool = True
) -> StampRun:
    """Record a run and issue and render it in a background thread (progress kept in the DB)."""
    if not 1 <= count <= 100_000:
        raise UserError(_("A run has between 1 and 100,000 stamps."))
    if fmt not in FORMATS:
        raise UserError(_("Choose a sheet format."))
    if batch.recalled_at is not None:
        raise UserError(_("This batch is recalled; no new stamps can be issued for it."))
    run = StampRun(
        batch_id=batch.id, count=count, layout=fmt, with_pin=with_pin, created_by_id=actor.id
    )
    db.session.add(run)
    db.session.flush()
    record_change(
        actor,
        "stamp_run.start",
        run,
        after={"count": count, "format": fmt},
        producer_id=batch.producer_id,
    )
    db.session.commit()
    if background:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(target=_run_job, args=(app, run.id), daemon=True).start()
    else:
        complete_run(run.id)
    return run


def _run_job(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            complete_run(run_id)
        except Exception as error:
            app.logger.exception("Stamp run %s failed", run_id)
            db.session.rollback()
            db.session.execute(
                update(StampRun)
                .where(StampRun.id == run_id)
                .values(status=RunStatus.FAILED, error=str(error)[:500])
            )
            db.session.commit()
        finally:
            db.session.remove()


def _set_progress(run_id: int, done: int, status: str = RunStatus.RENDERING) -> None:
    db.session.execute(
        update(StampRun).where(StampRun.id == run_id).values(progress=done, status=status)
    )
    db.session.commit()


def complete_run(run_id: int, workers: int = 1) -> StampRun:
    """Issue the run's stamps, render its sheet (and PIN sheet) to disk, and mark it ready."""
    run = db.session.get(StampRun, run_id)
    _set_progress(run_id, 0)
    stamps, pins = issue_stamps(run.batch, run, run.count, run.with_pin)
    label = label_for(run.batch)
    texts = [StampText(s["code"], s["serial"], stamp_url(s["code"])) for s in stamps]
    step = max(1, run.count // 20)

    def progress(done: int) -> None:
        if done == run.count or done % step < 30:
            _set_progress(run_id, done)

    if run.layout in ("svg", "png"):
        data, suffix = render_zip(label, texts, run.layout, progress), "zip"
    else:
        data, suffix = render_pdf(label, texts, run.layout, progress, workers=workers), "pdf"
    folder = run_folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    (folder / f"run-{run_id}-{token}.{suffix}").write_bytes(data)
    run.file_path = f"run-{run_id}-{token}.{suffix}"
    if pins:
        (folder / f"run-{run_id}-{token}-pins.pdf").write_bytes(render_pins(label, pins))
        run.pins_path = f"run-{run_id}-{token}-pins.pdf"
    run.status = RunStatus.READY
    run.progress = run.count
    db.session.commit()
    return run


def run_folder() -> Path:
    configured = current_app.config.get("STAMP_RUN_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.config["UPLOAD_DIR"]).resolve().parent / "stamp-runs"


def label_for(batch: Batch) -> Label:
    certificate = current_certificate(batch.product)
    stars = certificate.stars if certificate and certificate.allows_sale() else 0
    return Label(batch.product.name_vi, stars)


def issue_stamps(
    batch: Batch, run: StampRun, count: int, with_pin: bool
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Insert ``count`` stamps with signed codes and the next serials of the batch (commits).

    Returns the rows inserted and, when the run has PINs, (serial, PIN) pairs: PINs are never
    stored, only their keyed hashes, so the PIN sheet made from these pairs is the only copy.
    """
    key = signing_key()
    # Stamps are never deleted (voided ones stay), so the count gives the next serial; the
    # unique (batch_id, serial) constraint refuses a clash if two runs of one batch overlap.
    issued = db.session.scalar(
        select(func.count()).select_from(Stamp).where(Stamp.batch_id == batch.id)
    )
    start = issued + 1
    rows: list[dict[str, Any]] = []
    pins: list[tuple[str, str]] = []
    for number in range(start, start + count):
        code = codes.new_code(key)
        serial = f"{number:06d}"
        row = {
            "code": code,
            "run_id": run.id,
            "batch_id": batch.id,
            "serial": serial,
            "scan_count": 0,
        }
        if with_pin:
            pin = codes.new_pin()
            row["pin_hash"] = codes.pin_hash(key, code, pin)
            pins.append((serial, pin))
        else:
            row["pin_hash"] = None
        rows.append(row)
    for offset in range(0, len(rows), 5000):
        db.session.execute(insert(Stamp), rows[offset : offset + 5000])
    db.session.commit()
    return rows, pins


def void_stamp(stamp: Stamp, actor: Any) -> None:
    if stamp.voided_at is None:
        stamp.voided_at = utcnow()
        record_change(
            actor,
            "stamp.void",
            stamp,
            producer_id=stamp.batch.producer_id,
            after={"serial": stamp.serial},
        )
        db.session.commit()


def void_run(run: StampRun, reason: str, actor: Any) -> int:
    """Void every stamp of a run (a lost roll); returns how many were still live."""
    now = utcnow()
    result = db.session.execute(
        update(Stamp).where(Stamp.run_id == run.id, Stamp.voided_at.is_(None)).values(voided_at=now)
    )
    run.voided_at = run.voided_at or now
    run.void_reason = reason[:300]
    record_change(
        actor, "stamp_run.void", run, producer_id=run.batch.producer_id, after={"reason": reason}
    )
    db.session.commit()
    return result.rowcount


# Scans


class Verdict:
    FIRST = "first"
    SEEN = "seen"
    WARNING = "warning"
    EXPIRED = "expired"
    RECALLED = "recalled"
    VOIDED = "voided"


@dataclass
class ScanResult:
    verdict: str
    devices: int
    first_scan_at: datetime | None
    reasons: list[str]


def device_hash(stamp_id: int, device_token: str) -> str:
    """A per-stamp keyed hash of the device cookie: counts devices, links nothing across stamps."""
    message = f"{stamp_id}:{device_token}".encode()
    return hmac.new(signing_key(), message, hashlib.sha256).hexdigest()[:32]


def new_device_token() -> str:
    return secrets.token_urlsafe(18)


def record_scan(stamp: Stamp, device_token: str, now: datetime | None = None) -> ScanResult:
    """Record one scan and judge the stamp (commits).

    Counters move by atomic UPDATEs so concurrent scans lose nothing; the first scan is the one
    whose UPDATE found ``first_scan_at`` empty.
    """
    now = now or utcnow()
    today = now.date()
    batch = stamp.batch
    if stamp.voided_at is not None:
        return ScanResult(Verdict.VOIDED, 0, stamp.first_scan_at, [])
    hashed = device_hash(stamp.id, device_token)
    config = current_app.config
    seen_before = db.session.scalar(
        select(StampScan.id)
        .where(StampScan.stamp_id == stamp.id, StampScan.device_hash == hashed)
        .limit(1)
    )
    first_now = (
        db.session.execute(
            update(Stamp)
            .where(Stamp.id == stamp.id, Stamp.first_scan_at.is_(None))
            .values(first_scan_at=now)
        ).rowcount
        == 1
    )
    db.session.execute(
        update(Stamp).where(Stamp.id == stamp.id).values(scan_count=Stamp.scan_count + 1)
    )
    db.session.add(StampScan(stamp_id=stamp.id, scanned_at=now, device_hash=hashed))
    db.session.commit()
    db.session.refresh(stamp)
    devices, window_devices = db.session.execute(
        select(
            func.count(func.distinct(StampScan.device_hash)),
            func.count(func.distinct(StampScan.device_hash)).filter(
                StampScan.scanned_at >= now - timedelta(hours=config["SCAN_WINDOW_HOURS"])
            ),
        ).where(StampScan.stamp_id == stamp.id)
    ).one()
    first = stamp.first_scan_at
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    if batch.recalled_at is not None:
        return ScanResult(Verdict.RECALLED, devices, first, [])
    if batch.is_expired(today):
        return ScanResult(Verdict.EXPIRED, devices, first, [])
    reasons = []
    if window_devices >= config["SCAN_WARN_DEVICES_IN_WINDOW"]:
        reasons.append("window")
    if devices >= config["SCAN_WARN_DEVICES_TOTAL"]:
        reasons.append("total")
    late = timedelta(days=config["SCAN_WARN_NEW_DEVICE_AFTER_DAYS"])
    if seen_before is None and not first_now and first is not None and now - first > late:
        reasons.append("late")
    if reasons:
        return ScanResult(Verdict.WARNING, devices, first, reasons)
    if first_now:
        return ScanResult(Verdict.FIRST, devices, first, [])
    return ScanResult(Verdict.SEEN, devices, first, [])


def check_pin(stamp: Stamp, pin: str) -> str:
    """ "verified" the first time the right PIN is entered, "already" after, "wrong" otherwise."""
    if stamp.pin_hash is None or stamp.voided_at is not None:
        return "wrong"
    expected = codes.pin_hash(signing_key(), stamp.code, pin.strip())
    if not hmac.compare_digest(expected, stamp.pin_hash):
        return "wrong"
    changed = db.session.execute(
        update(Stamp)
        .where(Stamp.id == stamp.id, Stamp.verified_at.is_(None))
        .values(verified_at=utcnow())
    ).rowcount
    db.session.commit()
    db.session.refresh(stamp)
    return "verified" if changed else "already"


# Reports


REPORT_KINDS = ("fake", "wrong_info", "quality", "other")


def file_report(stamp: Stamp | None, code: str, kind: str, message: str, contact: str) -> None:
    db.session.add(
        ProblemReport(
            stamp_id=stamp.id if stamp else None,
            code_as_entered=code[:40],
            kind=kind,
            message=message.strip()[:4000],
            contact=contact.strip()[:200],
        )
    )
    db.session.commit()


def update_report(report: ProblemReport, status: str, finding: str, actor: Any) -> None:
    """Move a report to ``status``; closing needs a finding."""
    if status not in tuple(ReportStatus):
        raise UserError(_("Choose a status."))
    if status == ReportStatus.CLOSED and not finding.strip():
        raise UserError(_("Write down the finding before closing the report."))
    before = {"status": report.status}
    report.status = status
    report.finding = finding.strip()[:4000]
    record_change(actor, "problem_report.update", report, before=before, after={"status": status})
    db.session.commit()


def batch_for_lot(product: Product, lot: str) -> Batch | None:
    return db.session.scalar(
        select(Batch).where(Batch.product_id == product.id, Batch.lot_code == lot)
    )
