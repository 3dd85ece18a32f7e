"""EPCIS 2.0 JSON-LD documents of a batch's events (CBV 2.0 bare words)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import current_app

from ..core.clock import utcnow
from .models import Batch, EventType, Stamp, TraceEvent

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def _site() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def batch_class(batch: Batch) -> str:
    """The batch as an EPC class: a GS1 LGTIN when the variant has a GTIN, else our own URI."""
    if batch.variant.gtin:
        return f"https://id.gs1.org/01/{batch.variant.gtin}/10/{batch.lot_code}"
    return f"{_site()}/id/batch/{batch.id}"


def _time(value: datetime, offset: str) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return value.astimezone(zone).isoformat()


def event_document(event: TraceEvent) -> dict[str, Any]:
    batch = event.batch
    quantity = {"epcClass": batch_class(batch), "quantity": batch.quantity}
    doc: dict[str, Any] = {
        "type": event.event_type,
        "eventID": f"{_site()}/id/event/{event.id}",
        "eventTime": _time(event.event_time, event.tz_offset),
        "eventTimeZoneOffset": event.tz_offset,
    }
    if event.event_type == EventType.TRANSFORMATION:
        doc["bizStep"] = event.biz_step
        # The raw material has no identifier of its own: name it after the batch it became.
        doc["inputQuantityList"] = [{"epcClass": f"{_site()}/id/batch/{batch.id}/raw-material"}]
        doc["outputQuantityList"] = [quantity]
        if event.inputs:
            doc["ocop:inputs"] = event.inputs
    else:
        doc["action"] = event.action
        doc["bizStep"] = event.biz_step
        doc["quantityList"] = [quantity]
    if event.disposition:
        doc["disposition"] = event.disposition
    doc["readPoint"] = {"id": f"{_site()}/id/producer/{batch.product.producer_id}"}
    if event.ilmd:
        ilmd = {f"ocop:{k}": v for k, v in event.ilmd.items()}
        ilmd["ocop:growingAreaCodes"] = [a.code for a in batch.areas]
        doc["ilmd"] = ilmd
    if event.place_text:
        doc["ocop:place"] = event.place_text
    if event.who:
        doc["ocop:who"] = event.who
    if event.note:
        doc["ocop:note"] = event.note
    return doc


def document(batch: Batch, stamp: Stamp | None = None) -> dict[str, Any]:
    """The EPCIS document of ``batch``'s events (and, for a stamp, its commissioning)."""
    events = [event_document(e) for e in batch.events]
    if stamp is not None:
        events.append(
            {
                "type": "ObjectEvent",
                "eventID": f"{_site()}/id/stamp/{stamp.id}",
                "eventTime": _time(stamp.run.created_at, "+07:00"),
                "eventTimeZoneOffset": "+07:00",
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "inactive" if stamp.voided_at else "active",
                "epcList": [f"{_site()}/t/{stamp.code}"],
                "readPoint": {"id": f"{_site()}/id/producer/{batch.product.producer_id}"},
                "ilmd": {"ocop:lot": batch.lot_code, "ocop:serial": stamp.serial},
            }
        )
    return {
        "@context": [CONTEXT, {"ocop": f"{_site()}/voc/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": utcnow().isoformat(),
        "epcisBody": {"eventList": events},
    }
