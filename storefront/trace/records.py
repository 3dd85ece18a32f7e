"""Growing areas, batches and events: validation and saving, scoped to their producer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalog.images import store_image
from ..catalog.models import Product, Variant
from ..core.clock import utcnow
from ..core.errors import UserError
from ..core.i18n import current_language
from ..core.services import record_change
from ..extensions import db
from .models import (
    DOMESTIC,
    AreaStandard,
    Batch,
    EventAttachment,
    EventType,
    GrowingArea,
    TraceEvent,
)
from .services import check_pdf, store_pdf

MAX_POLYGON_POINTS = 2000


def market_name(market: str) -> str:
    """ "Domestic" or the export market's country name in the visitor's language."""
    if market == DOMESTIC:
        return _("Domestic")
    return Locale(current_language()).territories.get(market, market)


def is_market(value: str) -> bool:
    return value == DOMESTIC or (
        len(value) == 2 and value.isupper() and value in Locale("en").territories
    )


def parse_hectares(raw: str) -> int:
    """ "12,5" or "12.50" hectares as hundredths of a hectare (1250), exactly."""
    text = (raw or "").strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(_("Write the area in hectares, for example 12.5.")) from None
    if (
        not value.is_finite()
        or value < 0
        or value > 100_000
        or value != value.quantize(Decimal("0.01"))
    ):
        raise UserError(_("Write the area in hectares with at most two decimals, e.g. 12.5."))
    return int(value * 100)


def _position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def parse_location(raw: str) -> dict[str, Any] | None:
    """A GeoJSON Point or Polygon (RFC 7946: longitude first, closed rings), or None if blank."""
    text = (raw or "").strip()
    if not text:
        return None
    message = _(
        'Give the location as a GeoJSON Point or Polygon, e.g. {"type": "Point", '
        '"coordinates": [106.55, 21.38]} (longitude first).'
    )
    try:
        value = json.loads(text)
    except ValueError:
        raise UserError(message) from None
    if not isinstance(value, dict) or set(value) - {"type", "coordinates", "bbox"}:
        raise UserError(message)
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Point" and _position(coordinates):
        return {"type": "Point", "coordinates": coordinates}
    if kind == "Polygon" and isinstance(coordinates, list) and coordinates:
        rings_ok = all(
            isinstance(ring, list)
            and 4 <= len(ring) <= MAX_POLYGON_POINTS
            and all(_position(p) for p in ring)
            and ring[0] == ring[-1]
            for ring in coordinates
        )
        if rings_ok:
            return {"type": "Polygon", "coordinates": coordinates}
    raise UserError(message)


def save_area(area: GrowingArea, values: dict[str, Any], actor: Any) -> GrowingArea:
    """Validate and save a growing area; the code is kept exactly as issued (commits)."""
    code = (values.get("code") or "").strip()
    if not code:
        raise UserError(_("Enter the growing-area code as issued."))
    market = (values.get("market") or DOMESTIC).strip()
    if not is_market(market):
        raise UserError(_("Choose domestic or an export market."))
    clash = db.session.scalar(
        select(GrowingArea.id).where(
            GrowingArea.code == code, GrowingArea.market == market, GrowingArea.id != area.id
        )
    )
    if clash is not None:
        raise UserError(_("That growing-area code is already recorded for this market."))
    area.code = code
    area.market = market
    area.crop_vi = values["crop_vi"].strip()
    area.crop_en = (values.get("crop_en") or "").strip()
    area.variety = (values.get("variety") or "").strip()
    area.hectares_x100 = parse_hectares(values.get("hectares", "0"))
    area.owner_name = (values.get("owner_name") or "").strip()
    area.households = int(values.get("households") or 0)
    area.location = parse_location(values.get("location", ""))
    area.status = values.get("status") or area.status or "active"
    area.address_as_written = (values.get("address_as_written") or "").strip()
    area.legacy_place_id = values.get("legacy_place_id") or None
    area.current_place_id = values.get("current_place_id") or None
    if area.id is None:
        db.session.add(area)
        db.session.flush()
    record_change(actor, "growing_area.save", area, after={"code": code, "market": market})
    db.session.commit()
    return area


def add_standard(area: GrowingArea, values: dict[str, Any], actor: Any) -> AreaStandard:
    if values["valid_until"] < values["valid_from"]:
        raise UserError(_("A certificate cannot end before it starts."))
    standard = AreaStandard(
        area=area,
        scheme=values["scheme"],
        certificate_number=values["certificate_number"].strip(),
        issued_by=(values.get("issued_by") or "").strip(),
        valid_from=values["valid_from"],
        valid_until=values["valid_until"],
    )
    db.session.add(standard)
    record_change(actor, "area_standard.add", area, after={"scheme": standard.scheme})
    db.session.commit()
    return standard


def save_batch(batch: Batch, values: dict[str, Any], producer_id: int, actor: Any) -> Batch:
    """Validate and save a batch of one of the producer's variants (commits)."""
    variant = db.session.scalar(
        select(Variant)
        .join(Product)
        .where(Variant.id == values["variant_id"], Product.producer_id == producer_id)
    )
    if variant is None:
        raise UserError(_("Choose one of your products."))
    lot = values["lot_code"].strip()
    clash = db.session.scalar(
        select(Batch.id).where(
            Batch.product_id == variant.product_id, Batch.lot_code == lot, Batch.id != batch.id
        )
    )
    if clash is not None:
        raise UserError(_("That lot code is already used for this product."))
    if values.get("expires_on") and values["expires_on"] < values["produced_on"]:
        raise UserError(_("The expiry date cannot be before the production date."))
    areas = list(
        db.session.scalars(
            select(GrowingArea).where(
                GrowingArea.id.in_(values.get("area_ids") or []),
                GrowingArea.producer_id == producer_id,
            )
        )
    )
    batch.product_id = variant.product_id
    batch.variant_id = variant.id
    batch.lot_code = lot
    batch.produced_on = values["produced_on"]
    batch.expires_on = values.get("expires_on")
    batch.quantity = values.get("quantity") or 0
    batch.areas = areas
    if batch.id is None:
        db.session.add(batch)
        db.session.flush()
    record_change(actor, "batch.save", batch, producer_id=producer_id, after={"lot": lot})
    db.session.commit()
    return batch


def recall_batch(batch: Batch, reason: str, actor: Any) -> None:
    if not reason.strip():
        raise UserError(_("Say why the batch is recalled."))
    batch.recalled_at = utcnow()
    batch.recall_reason = reason.strip()[:500]
    record_change(
        actor, "batch.recall", batch, producer_id=batch.producer_id, after={"reason": reason}
    )
    db.session.commit()


def parse_offset(raw: str) -> timezone:
    """ "+07:00" as a fixed time zone; refuses anything that is not ±HH:MM within ±14 h."""
    text = (raw or "+07:00").strip()
    if (
        len(text) != 6
        or text[0] not in "+-"
        or text[3] != ":"
        or not (text[1:3] + text[4:]).isdigit()
    ):
        raise UserError(_("Write the time zone offset as +07:00."))
    minutes = int(text[1:3]) * 60 + int(text[4:])
    if minutes > 14 * 60:
        raise UserError(_("Write the time zone offset as +07:00."))
    return timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))


KINDS = {
    # kind -> (event type, action, bizStep, disposition)
    "harvest": (EventType.OBJECT, "ADD", "commissioning", "active"),
    "processing": (EventType.TRANSFORMATION, None, "commissioning", "active"),
    "inspecting": (EventType.OBJECT, "OBSERVE", "inspecting", "conformant"),
    "packing": (EventType.OBJECT, "OBSERVE", "packing", "in_progress"),
    "storing": (EventType.OBJECT, "OBSERVE", "storing", "in_progress"),
    "shipping": (EventType.OBJECT, "OBSERVE", "shipping", "in_transit"),
    "receiving": (EventType.OBJECT, "OBSERVE", "receiving", "in_progress"),
    "retail_selling": (EventType.OBJECT, "OBSERVE", "retail_selling", "retail_sold"),
}


def add_event(batch: Batch, values: dict[str, Any], actor: Any) -> TraceEvent:
    """Add an EPCIS event of a kind producers understand, with its attachments (commits).

    A harvest becomes an ObjectEvent ADD "commissioning" with the harvest date in ILMD;
    processing a TransformationEvent.
    """
    kind = values["kind"]
    if kind not in KINDS:
        raise UserError(_("Choose what happened."))
    event_type, action, biz_step, disposition = KINDS[kind]
    zone = parse_offset(values.get("tz_offset", "+07:00"))
    local: datetime = values["event_time"]
    when = local.replace(tzinfo=zone)
    if when > utcnow() + timedelta(hours=1):
        raise UserError(_("An event cannot be in the future."))
    ilmd = None
    if kind == "harvest":
        ilmd = {"harvestDate": when.date().isoformat()}
    photos = [p for p in values.get("photos") or [] if p]
    pdfs = [p for p in values.get("pdfs") or [] if p]
    for data in pdfs:  # check every file before writing any, so a bad one leaves nothing behind
        check_pdf(data)
    stored_photos = [store_image(data) for data in photos]
    stored_pdfs = [(store_pdf(data), len(data)) for data in pdfs]
    event = TraceEvent(
        batch=batch,
        event_type=event_type,
        action=action,
        biz_step=biz_step,
        disposition=disposition,
        event_time=when.astimezone(UTC),
        tz_offset=when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:],
        place_text=(values.get("place_text") or "").strip(),
        who=(values.get("who") or "").strip(),
        note=(values.get("note") or "").strip(),
        inputs=(values.get("inputs") or "").strip() if kind == "processing" else "",
        ilmd=ilmd,
    )
    for image in stored_photos:
        event.attachments.append(
            EventAttachment(kind="photo", path=image.path, thumb_path=image.thumb_path)
        )
    for path, size in stored_pdfs:
        event.attachments.append(
            EventAttachment(kind="pdf", path=path, title=values.get("pdf_title") or "", size=size)
        )
    db.session.add(event)
    db.session.flush()
    record_change(
        actor, "trace_event.add", event, producer_id=batch.producer_id, after={"kind": kind}
    )
    db.session.commit()
    return event


def event_kind(event: TraceEvent) -> str:
    """The producer-facing kind of an event, from its EPCIS fields."""
    if event.event_type == EventType.TRANSFORMATION:
        return "processing"
    if event.biz_step == "commissioning":
        return "harvest" if event.is_harvest else "commissioning"
    return event.biz_step


def event_title(event: TraceEvent) -> str:
    """The event in plain words, in the visitor's language."""
    titles = {
        "harvest": _("Harvested"),
        "commissioning": _("Produced"),
        "processing": _("Processed"),
        "inspecting": _("Inspected"),
        "packing": _("Packed"),
        "storing": _("Stored"),
        "shipping": _("Shipped"),
        "receiving": _("Received"),
        "retail_selling": _("On sale in a shop"),
    }
    kind = event_kind(event)
    return titles.get(kind, kind.replace("_", " ").capitalize())


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("harvest", _("Harvest")),
        ("processing", _("Processing (drying, cooking, milling…)")),
        ("inspecting", _("Inspection or lab test")),
        ("packing", _("Packing")),
        ("storing", _("Storage")),
        ("shipping", _("Shipping")),
        ("receiving", _("Receiving")),
        ("retail_selling", _("On sale in a shop")),
    ]
