"""Producer and office pages for traceability: access control, forms and their validation."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.trace.models import (
    AreaStandard,
    Batch,
    EventAttachment,
    GrowingArea,
    ProblemReport,
    TraceEvent,
)
from tests.conftest import login, make_producer, make_user, row_count
from tests.trace_helpers import make_batch, make_stamps

# Every /dashboard and /office page of the trace blueprint, with ids filled from the fixture.
DASHBOARD_GET = [
    "/dashboard/growing-areas",
    "/dashboard/growing-areas/new",
    "/dashboard/growing-areas/{area_id}",
    "/dashboard/batches",
    "/dashboard/batches/new",
    "/dashboard/batches/{batch_id}",
    "/dashboard/stamp-runs/{run_id}",
    "/dashboard/stamp-runs/{run_id}/download",
]
DASHBOARD_POST = [
    "/dashboard/growing-areas/{area_id}/standards",
    "/dashboard/batches/{batch_id}/events",
    "/dashboard/batches/{batch_id}/recall",
    "/dashboard/batches/{batch_id}/stamp-runs",
    "/dashboard/stamp-runs/{run_id}/void",
    "/dashboard/stamp-runs/{run_id}/void-stamp",
]
OFFICE_GET = [
    "/office/batches",
    "/office/batches/{batch_id}",
    "/office/growing-areas",
    "/office/stamp-reports",
    "/office/stamp-reports/{report_id}",
]


@pytest.fixture
def world():
    batch = make_batch()
    stamps, _ = make_stamps(batch, 2)
    report = ProblemReport(stamp_id=stamps[0].id, kind="fake", message="Tem bị bóc")
    db.session.add(report)
    db.session.commit()
    return {
        "batch": batch,
        "ids": {
            "area_id": batch.areas[0].id,
            "batch_id": batch.id,
            "run_id": stamps[0].run_id,
            "report_id": report.id,
        },
    }


def _all_urls(world):
    ids = world["ids"]
    return [("GET", u.format(**ids)) for u in DASHBOARD_GET + OFFICE_GET] + [
        ("POST", u.format(**ids)) for u in DASHBOARD_POST
    ]


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_nobody_is_sent_to_login(client, world):
    for method, url in _all_urls(world):
        response = _request(client, method, url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


def test_customers_get_403(client, world):
    login(client, make_user(Role.CUSTOMER))
    for method, url in _all_urls(world):
        assert _request(client, method, url).status_code == 403, url


def test_another_producer_gets_404_for_these_ids_and_403_in_the_office(client, world):
    other = make_producer("HTX Khác")
    login(client, make_user(Role.PRODUCER, producer=other))
    ids = world["ids"]
    for url in DASHBOARD_GET + DASHBOARD_POST:
        if "{" not in url:
            continue
        formatted = url.format(**ids)
        method = "POST" if url in DASHBOARD_POST else "GET"
        assert _request(client, method, formatted).status_code == 404, formatted
    for url in OFFICE_GET:
        assert client.get(url.format(**ids)).status_code == 403
    page = client.get("/dashboard/batches").get_data(as_text=True)
    assert world["batch"].lot_code not in page


def test_the_owner_and_the_office_get_200(client, world):
    owner = make_user(Role.PRODUCER, producer=world["batch"].product.producer)
    login(client, owner)
    for url in DASHBOARD_GET[:-1]:
        assert client.get(url.format(**world["ids"])).status_code == 200, url
    client.post("/logout")
    login(client, make_user(Role.OFFICE))
    for url in OFFICE_GET:
        assert client.get(url.format(**world["ids"])).status_code == 200, url


@pytest.fixture
def owner_client(client):
    batch = make_batch()
    login(client, make_user(Role.PRODUCER, producer=batch.product.producer))
    client.batch = batch
    return client


AREA = {
    "code": "VN-24-197-06580-012-25",
    "market": "JP",
    "crop_vi": "Vải thiều",
    "crop_en": "Lychee",
    "variety": "Thanh Hà",
    "hectares": "12,35",
    "owner_name": "Tổ hợp tác Phượng Sơn",
    "households": "18",
    "address_as_written": "Xã Phượng Sơn, huyện Lục Ngạn, tỉnh Bắc Giang",
    "legacy_place_id": "0",
    "current_place_id": "0",
    "location": '{"type": "Polygon", "coordinates": [[[106.55, 21.37], [106.56, 21.37], '
    "[106.56, 21.38], [106.55, 21.37]]]}",
    "status": "active",
}


def test_producer_records_a_growing_area_exactly_as_issued(owner_client):
    response = owner_client.post("/dashboard/growing-areas/new", data=AREA)
    assert response.status_code == 302
    area = db.session.scalar(select(GrowingArea).where(GrowingArea.market == "JP"))
    assert area.code == AREA["code"]
    assert area.hectares_x100 == 1235 and area.hectares == "12.35"
    assert area.location["type"] == "Polygon"
    response = owner_client.post(
        f"/dashboard/growing-areas/{area.id}/standards",
        data={
            "scheme": "vietgap",
            "certificate_number": "VG-0612",
            "valid_from": "2025-01-01",
            "valid_until": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            select(AreaStandard.certificate_number).where(AreaStandard.area_id == area.id)
        )
        == "VG-0612"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hectares", "12.345"),
        ("hectares", "-1"),
        ("hectares", "nhiều"),
        ("location", '{"type": "Point", "coordinates": [200, 21]}'),
        ("location", '{"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [5, 6], [7, 8]]]}'),
        ("location", "not json"),
        ("location", '{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}'),
        ("market", "XX"),
    ],
)
def test_bad_area_input_changes_nothing(owner_client, field, value):
    before = row_count(GrowingArea)
    response = owner_client.post("/dashboard/growing-areas/new", data={**AREA, field: value})
    assert response.status_code == 400
    assert row_count(GrowingArea) == before


def test_producer_adds_a_batch_and_a_lot_code_is_unique_per_product(owner_client):
    batch = owner_client.batch
    data = {
        "variant_id": str(batch.variant_id),
        "lot_code": "VT26-0701",
        "produced_on": "2026-07-01",
        "expires_on": "2026-07-25",
        "quantity": "300",
        "area_ids": [str(batch.areas[0].id)],
    }
    assert owner_client.post("/dashboard/batches/new", data=data).status_code == 302
    again = owner_client.post("/dashboard/batches/new", data=data)
    assert again.status_code == 400
    bad_dates = owner_client.post(
        "/dashboard/batches/new", data={**data, "lot_code": "X1", "expires_on": "2026-06-01"}
    )
    assert bad_dates.status_code == 400
    assert row_count(Batch) == 2


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_producer_adds_a_harvest_with_a_photo_and_a_lab_report(owner_client):
    batch = owner_client.batch
    response = owner_client.post(
        f"/dashboard/batches/{batch.id}/events",
        data={
            "kind": "harvest",
            "event_time": "2026-06-12T05:30",
            "tz_offset": "+07:00",
            "place_text": "Đồi vải Phượng Sơn",
            "who": "Tổ thu hái",
            "photos": [(io.BytesIO(_png()), "vai.png")],
            "report": (io.BytesIO(PDF), "kiem-nghiem.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    event = db.session.scalar(
        select(TraceEvent).where(TraceEvent.place_text == "Đồi vải Phượng Sơn")
    )
    assert event.event_type == "ObjectEvent" and event.action == "ADD"
    assert event.biz_step == "commissioning" and event.ilmd == {"harvestDate": "2026-06-12"}
    assert event.event_time.hour == 22  # 05:30 at +07:00 is 22:30 UTC the day before
    kinds = sorted(a.kind for a in db.session.scalars(select(EventAttachment)))
    assert kinds == ["pdf", "photo"]
    stamps, _ = make_stamps(batch, 1)
    page = owner_client.get(f"/t/{stamps[0].code}").get_data(as_text=True)
    photo = db.session.scalar(select(EventAttachment).where(EventAttachment.kind == "photo"))
    assert photo.thumb_path in page and 'loading="lazy"' in page
    assert "Đồi vải Phượng Sơn" in page and "Phiếu kết quả kiểm nghiệm (PDF)" in page


@pytest.mark.parametrize(
    "upload",
    [b"<html>not a pdf</html>", b"%PDF-1.4 truncated without an end", b""],
)
def test_a_fake_pdf_is_refused(owner_client, upload):
    batch = owner_client.batch
    before = row_count(TraceEvent)
    response = owner_client.post(
        f"/dashboard/batches/{batch.id}/events",
        data={
            "kind": "inspecting",
            "event_time": "2026-06-12T05:30",
            "tz_offset": "+07:00",
            "report": (io.BytesIO(upload), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 400)
    if upload:
        assert response.status_code == 400
        assert row_count(TraceEvent) == before


def test_bad_time_zone_is_refused(owner_client):
    batch = owner_client.batch
    response = owner_client.post(
        f"/dashboard/batches/{batch.id}/events",
        data={"kind": "shipping", "event_time": "2026-06-12T05:30", "tz_offset": "+25:00"},
    )
    assert response.status_code == 400


def test_recalled_batch_issues_no_stamps(owner_client):
    batch = owner_client.batch
    owner_client.post(f"/dashboard/batches/{batch.id}/recall", data={"reason": "Dư lượng"})
    response = owner_client.post(
        f"/dashboard/batches/{batch.id}/stamp-runs", data={"count": "5", "layout": "a4"}
    )
    assert response.status_code == 400


def test_office_follows_up_a_report_and_needs_a_finding_to_close(client, world):
    login(client, make_user(Role.OFFICE))
    report_id = world["ids"]["report_id"]
    url = f"/office/stamp-reports/{report_id}"
    assert client.post(url, data={"status": "investigating", "finding": ""}).status_code == 302
    assert client.post(url, data={"status": "closed", "finding": ""}).status_code == 400
    assert (
        client.post(
            url, data={"status": "closed", "finding": "Tem thật; khách nhầm lô."}
        ).status_code
        == 302
    )
    report = db.session.get(ProblemReport, report_id)
    db.session.refresh(report)
    assert report.status == "closed" and report.finding.startswith("Tem thật")
    assert "Tem bị bóc" not in client.get("/office/stamp-reports").get_data(as_text=True)
    assert "Tem bị bóc" in client.get("/office/stamp-reports?status=closed").get_data(as_text=True)
