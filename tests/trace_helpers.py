"""Builders for traceability tests: batches with events, stamp runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storefront.catalog.models import Product
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db
from storefront.trace.models import AreaStandard, Batch, GrowingArea, Stamp, StampRun, TraceEvent
from storefront.trace.services import issue_stamps
from tests.conftest import make_product


def make_area(product: Product, code: str = "VN-BGLN-0127-US", market: str = "US") -> GrowingArea:
    area = GrowingArea(
        producer_id=product.producer_id,
        code=code,
        market=market,
        crop_vi="Vải thiều",
        crop_en="Lychee",
        variety="Thanh Hà",
        hectares_x100=3250,
        owner_name="HTX Hồng Xuân",
        households=41,
        location={"type": "Point", "coordinates": [106.55, 21.37]},
    )
    area.standards.append(
        AreaStandard(
            scheme="globalgap",
            certificate_number="4063061910233",
            valid_from=today_in_vietnam() - timedelta(days=100),
            valid_until=today_in_vietnam() + timedelta(days=300),
        )
    )
    db.session.add(area)
    db.session.commit()
    return area


def make_batch(
    product: Product | None = None,
    lot: str = "VT26-0612A",
    expires_in: int | None = 25,
    gtin: str | None = None,
) -> Batch:
    product = product or make_product("Vải thiều Lục Ngạn", name_en="Luc Ngan lychee", stars=5)
    variant = product.variants[0]
    if gtin:
        variant.gtin = gtin
    produced = today_in_vietnam() - timedelta(days=5)
    batch = Batch(
        product_id=product.id,
        variant_id=variant.id,
        lot_code=lot,
        produced_on=produced,
        expires_on=produced + timedelta(days=expires_in) if expires_in is not None else None,
        quantity=480,
        areas=[make_area(product)],
    )
    harvest = datetime(produced.year, produced.month, produced.day, 5, 30, tzinfo=UTC)
    batch.events = [
        TraceEvent(
            event_type="ObjectEvent",
            action="ADD",
            biz_step="commissioning",
            disposition="active",
            event_time=harvest - timedelta(hours=7),
            tz_offset="+07:00",
            place_text="Vùng trồng Phượng Sơn",
            who="Tổ thu hái số 3",
            note="Hái lúc sáng sớm.",
            ilmd={"harvestDate": produced.isoformat()},
        ),
        TraceEvent(
            event_type="TransformationEvent",
            biz_step="commissioning",
            disposition="active",
            event_time=harvest + timedelta(hours=5),
            tz_offset="+07:00",
            inputs="500 kg vải tươi",
        ),
        TraceEvent(
            event_type="ObjectEvent",
            action="OBSERVE",
            biz_step="shipping",
            disposition="in_transit",
            event_time=harvest + timedelta(days=1),
            tz_offset="+07:00",
            place_text="Kho lạnh HTX",
        ),
    ]
    db.session.add(batch)
    db.session.commit()
    return batch


def make_stamps(batch: Batch, count: int = 3, with_pin: bool = False):
    """Issue ``count`` stamps; returns (stamps, [(serial, pin)])."""
    run = StampRun(batch_id=batch.id, count=count, layout="a4", with_pin=with_pin, status="ready")
    db.session.add(run)
    db.session.flush()
    rows, pins = issue_stamps(batch, run, count, with_pin)
    stamps = [db.session.query(Stamp).filter_by(code=r["code"]).one() for r in rows]
    return stamps, pins
