"""The traceability demo data: lychee areas with markets and hectares, timelines, a stamp run."""

from sqlalchemy import func, select

from storefront.demo.accounts import load_accounts
from storefront.demo.catalog import load_catalog
from storefront.demo.trace import load_trace
from storefront.extensions import db
from storefront.trace.models import Batch, GrowingArea, Stamp, TraceEvent
from tests.conftest import row_count


def _counts():
    return [row_count(m) for m in (GrowingArea, Batch, TraceEvent, Stamp)]


def test_demo_trace_is_realistic_and_idempotent(client):
    load_catalog()
    load_accounts()
    load_trace()
    first = _counts()
    load_trace()
    assert _counts() == first
    markets = set(
        db.session.scalars(select(GrowingArea.market).where(GrowingArea.crop_en == "Lychee"))
    )
    assert {"domestic", "US", "JP"} <= markets
    assert all(a.hectares_x100 > 0 for a in db.session.scalars(select(GrowingArea)))
    assert db.session.scalar(select(func.count(func.distinct(Batch.product_id)))) >= 3
    harvests = db.session.scalars(
        select(TraceEvent).where(TraceEvent.biz_step == "commissioning", TraceEvent.action == "ADD")
    ).all()
    assert harvests and all(e.ilmd["harvestDate"] for e in harvests)
    stamp = db.session.scalar(select(Stamp).order_by(Stamp.id).limit(1))
    page = client.get(f"/t/{stamp.code}?lang=en").get_data(as_text=True)
    assert "Genuine OCOP stamp" in page and "VT26-0612A" in page
