"""The public scan page, its verdicts and counts, PINs, reports, GS1 Digital Link and EPCIS."""

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.trace import codes
from storefront.trace.models import ProblemReport, Stamp, StampScan
from storefront.trace.services import DEVICE_COOKIE
from tests.conftest import postgres_only, revoke, row_count
from tests.trace_helpers import make_batch, make_stamps

SCHEMA = Path(__file__).resolve().parent.parent / "storefront/data/epcis-2.0.1-json-schema.json"
GTIN = "08938505974194"


def scan(client, code: str, device: str | None = None, lang: str = "en"):
    if device is not None:
        client.set_cookie(DEVICE_COOKIE, device)
    return client.get(f"/t/{code}?lang={lang}")


def test_first_scan_says_genuine_and_first(client):
    stamps, _ = make_stamps(make_batch())
    response = scan(client, stamps[0].code.lower())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Genuine OCOP stamp" in page
    assert "You are the first to check this unit." in page
    # What Circular 02/2024 asks for, plus stars, area and timeline.
    for text in (
        "Vải thiều Lục Ngạn",
        "HTX Vải thiều Lục Ngạn",
        f"#{stamps[0].serial}",
        "VT26-0612A",
        "VN-BGLN-0127-US",
        "Lychee",
        "United States",
        "32.50 ha",
        "GlobalG.A.P. 4063061910233",
        "Harvested",
        "Processed",
        "Shipped",
        "(UTC+07:00)",
        "Buy this product online",
        "OCOP certificate",
    ):
        assert text in page, text
    assert 'class="stars' in page
    cookie = response.headers["Set-Cookie"]
    assert DEVICE_COOKIE in cookie and "HttpOnly" in cookie


def test_upper_case_url_from_the_qr_opens_the_same_page(client):
    stamps, _ = make_stamps(make_batch())
    response = client.get(f"/T/{stamps[0].code.upper()}?lang=en")
    assert response.status_code == 200
    assert f"#{stamps[0].serial}" in response.get_data(as_text=True)


def test_scan_page_in_vietnamese_by_default(client):
    stamps, _ = make_stamps(make_batch())
    page = client.get(f"/t/{stamps[0].code}").get_data(as_text=True)
    assert "Tem OCOP chính hãng" in page
    assert '<html lang="vi">' in page
    assert "32,50 ha" in page and "Thị trường: Hoa Kỳ" in page


def test_scans_store_no_ip_and_count_devices_not_hits(client, app):
    stamps, _ = make_stamps(make_batch())
    code = stamps[0].code
    for device in ("device-aaaaaaaaaaaaaaaa", "device-aaaaaaaaaaaaaaaa", "device-bbbbbbbbbbbbbbbb"):
        page = scan(client, code, device).get_data(as_text=True)
    assert "Checked on 2 devices, first on" in page
    stamp = db.session.scalar(select(Stamp).where(Stamp.code == code))
    db.session.refresh(stamp)
    assert stamp.scan_count == 3
    hashes = db.session.scalars(select(StampScan.device_hash)).all()
    assert len(hashes) == 3 and "device-aaaaaaaaaaaaaaaa" not in hashes
    columns = {c.name for c in StampScan.__table__.columns}
    assert not columns & {"ip", "ip_address", "remote_addr", "user_agent"}


def test_many_devices_in_a_short_time_give_a_warning(client, app):
    stamps, _ = make_stamps(make_batch())
    limit = app.config["SCAN_WARN_DEVICES_IN_WINDOW"]
    for number in range(limit - 1):
        page = scan(client, stamps[0].code, f"device-{number:020d}").get_data(as_text=True)
    assert "Genuine OCOP stamp" in page
    page = scan(client, stamps[0].code, "device-last-one-xxxxxxxx").get_data(as_text=True)
    assert "Genuine code, but be careful" in page
    assert f"checked on {limit} devices" in page


def test_a_new_device_long_after_the_first_scan_gives_a_warning(client, app):
    stamps, _ = make_stamps(make_batch(expires_in=400))
    scan(client, stamps[0].code, "device-family-phone-xxxx")
    stamp = db.session.scalar(select(Stamp).where(Stamp.code == stamps[0].code))
    long_ago = datetime.now(UTC) - timedelta(days=app.config["SCAN_WARN_NEW_DEVICE_AFTER_DAYS"] + 1)
    stamp.first_scan_at = long_ago
    db.session.execute(StampScan.__table__.update().values(scanned_at=long_ago))
    db.session.commit()
    same_family = scan(client, stamps[0].code, "device-family-phone-xxxx").get_data(as_text=True)
    assert "Genuine OCOP stamp" in same_family
    stranger = scan(client, stamps[0].code, "device-far-away-yyyyyyyy").get_data(as_text=True)
    assert "first checked long ago" in stranger


def test_expired_and_recalled_batches_say_so(client):
    expired = make_batch(expires_in=2)
    stamps, _ = make_stamps(expired)
    page = scan(client, stamps[0].code).get_data(as_text=True)
    assert "Past its expiry date" in page
    expired.recalled_at = datetime.now(UTC)
    expired.recall_reason = "Phát hiện tồn dư thuốc BVTV vượt ngưỡng"
    db.session.commit()
    page = scan(client, stamps[0].code).get_data(as_text=True)
    assert "This batch has been recalled" in page
    assert "Phát hiện tồn dư" in page
    assert "Buy this product online" not in page


def test_revoked_certificate_is_shown_in_red(client):
    batch = make_batch()
    revoke(batch.product.certificates[-1])
    stamps, _ = make_stamps(batch)
    page = scan(client, stamps[0].code).get_data(as_text=True)
    assert 'class="status status-revoked"' in page
    assert 'class="red"' in page and "OCOP certificate revoked on" in page


def test_forged_code_is_a_404_without_touching_the_database(client):
    make_stamps(make_batch())
    forged = codes.encode(12345678901234567890)
    response = client.get(f"/t/{forged}?lang=en")
    assert response.status_code == 404
    assert "This is not a genuine OCOP stamp" in response.get_data(as_text=True)
    assert row_count(StampScan) == 0


def test_a_validly_signed_but_unissued_code_is_also_refused(client, app):
    code = codes.new_code(codes.derive_key(app.config["STAMP_SIGNING_KEY"]))
    assert client.get(f"/t/{code}").status_code == 404


def test_guessing_is_rate_limited_per_address(client):
    statuses = [client.get(f"/t/{'A' * 19}{i % 10}").status_code for i in range(32)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == 429


def test_scan_page_is_under_30_kb_of_html_and_css(client):
    stamps, _ = make_stamps(make_batch(), with_pin=True)
    for lang in ("vi", "en"):
        html = scan(client, stamps[0].code, lang=lang).data
        stylesheet = client.get("/static/css/app.css")
        css = stylesheet.data
        stylesheet.close()
        assert "<script" not in html.decode()
        assert len(html) + len(css) < 30 * 1024, len(html) + len(css)


def test_pin_verifies_once_then_says_already(client):
    stamps, pins = make_stamps(make_batch(), with_pin=True)
    code, pin = stamps[0].code.lower(), pins[0][1]
    wrong = client.post(
        f"/t/{code}/pin?lang=en", data={"pin": "000000" if pin != "000000" else "111111"}
    )
    assert wrong.status_code == 303
    assert "That PIN is not right" in client.get(wrong.headers["Location"]).get_data(as_text=True)
    first = client.post(f"/t/{code}/pin?lang=en", data={"pin": pin})
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "PIN correct" in page and "Verified by a buyer on" in page
    again = client.post(f"/t/{code}/pin?lang=en", data={"pin": pin})
    assert "already used on" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Stamp.pin_hash).where(Stamp.id == stamps[0].id)) != pin


def test_pin_attempts_are_rate_limited(client):
    stamps, _ = make_stamps(make_batch(), with_pin=True)
    statuses = [
        client.post(f"/t/{stamps[0].code}/pin", data={"pin": f"{i:06d}"}).status_code
        for i in range(6)
    ]
    assert statuses[-1] == 429


def test_pin_form_needs_csrf(client):
    stamps, pins = make_stamps(make_batch(), with_pin=True)
    response = client.post(f"/t/{stamps[0].code}/pin", data={"pin": pins[0][1]}, csrf=False)
    assert response.status_code in (303, 400)
    assert db.session.scalar(select(Stamp.verified_at).where(Stamp.id == stamps[0].id)) is None


def test_report_a_problem_goes_to_the_office_queue(client):
    stamps, _ = make_stamps(make_batch())
    response = client.post(
        f"/t/{stamps[0].code}/report",
        data={"kind": "fake", "message": "Hộp bị bóc tem rồi dán lại", "contact": "0912345678"},
    )
    assert response.status_code == 303
    report = db.session.scalar(select(ProblemReport))
    assert report.stamp_id == stamps[0].id and report.status == "new"
    assert (
        client.post(f"/t/{stamps[0].code}/report", data={"kind": "fake", "message": ""}).status_code
        == 400
    )
    statuses = [
        client.post(
            f"/t/{stamps[0].code}/report", data={"kind": "other", "message": "spam spam"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [303, 303, 303, 429]  # five an hour per address, the 400 included
    assert row_count(ProblemReport) == 4


def test_report_about_a_fake_code(client):
    response = client.post(
        "/t/not-genuine/report",
        data={"kind": "fake", "message": "Mua ở chợ, mã không đúng", "code": "AAAA"},
    )
    assert response.status_code == 200
    assert db.session.scalar(select(ProblemReport)).stamp_id is None


# GS1 Digital Link


def test_gtin_redirects_to_the_product_page(client):
    batch = make_batch(gtin=GTIN)
    response = client.get(f"/01/{GTIN}")
    assert response.status_code == 307
    assert response.headers["Location"].endswith(f"/products/{batch.product.slug}")
    short = client.get("/01/8938505974194")
    assert short.status_code == 307


def test_gtin_lot_and_serial_redirect_to_the_stamp_page(client):
    batch = make_batch(gtin=GTIN)
    stamps, _ = make_stamps(batch)
    response = client.get(f"/01/{GTIN}/10/{batch.lot_code}/21/{stamps[1].serial}")
    assert response.status_code == 307
    assert response.headers["Location"].endswith(f"/t/{stamps[1].code.lower()}")
    assert client.get(response.headers["Location"]).status_code == 200


def test_linkset_by_query_and_by_accept_header(client):
    batch = make_batch(gtin=GTIN)
    by_query = client.get(f"/01/{GTIN}/10/{batch.lot_code}?linkType=linkset")
    assert by_query.status_code == 200
    assert by_query.mimetype == "application/linkset+json"
    linkset = by_query.json["linkset"][0]
    assert linkset["anchor"].endswith(f"/01/{GTIN}/10/{batch.lot_code}")
    assert linkset["https://gs1.org/voc/pip"][0]["href"].endswith(f"/products/{batch.product.slug}")
    assert linkset["https://gs1.org/voc/traceability"][0]["href"].endswith(
        f"/api/v1/batches/{batch.id}/epcis"
    )
    by_header = client.get(f"/01/{GTIN}", headers={"Accept": "application/linkset+json"})
    assert by_header.mimetype == "application/linkset+json"
    pip = client.get(f"/01/{GTIN}/10/{batch.lot_code}?linkType=gs1:traceability")
    assert pip.status_code == 307


def test_unknown_link_type_is_404_and_invalid_identifiers_400(client):
    batch = make_batch(gtin=GTIN)
    assert client.get(f"/01/{GTIN}?linkType=gs1:nonsense").status_code == 404
    assert client.get("/01/08938505974195").status_code == 400  # wrong check digit
    assert client.get("/01/12345").status_code == 400
    assert client.get(f"/01/{GTIN}/10/l%C3%B4").status_code == 400
    assert client.get(f"/01/{GTIN}/10/NOPE").status_code == 404
    assert client.get(f"/01/{GTIN}/10/{batch.lot_code}/21/999999").status_code == 404
    assert client.get("/01/08938505974187").status_code == 404  # valid, but not ours


# EPCIS


def _validate(document: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_batch_epcis_document_is_valid_against_the_schema(client):
    batch = make_batch(gtin=GTIN)
    response = client.get(f"/api/v1/batches/{batch.id}/epcis")
    assert response.status_code == 200
    document = response.json
    _validate(document)
    events = document["epcisBody"]["eventList"]
    harvest, processing, shipping = events
    assert harvest["type"] == "ObjectEvent" and harvest["action"] == "ADD"
    assert harvest["bizStep"] == "commissioning"
    assert harvest["ilmd"]["ocop:harvestDate"] == batch.produced_on.isoformat()
    assert harvest["quantityList"][0]["epcClass"] == (
        f"https://id.gs1.org/01/{GTIN}/10/{batch.lot_code}"
    )
    assert harvest["eventTime"].endswith("+07:00") and harvest["eventTimeZoneOffset"] == "+07:00"
    assert processing["type"] == "TransformationEvent"
    assert shipping["bizStep"] == "shipping"


def test_stamp_epcis_document_is_valid_and_404_for_a_forgery(client):
    stamps, _ = make_stamps(make_batch())
    document = client.get(f"/api/v1/stamps/{stamps[0].code}/epcis").json
    _validate(document)
    assert document["epcisBody"]["eventList"][-1]["ilmd"]["ocop:serial"] == stamps[0].serial
    response = client.get(f"/api/v1/stamps/{'A' * 20}/epcis")
    assert response.status_code == 404 and response.json["error"]["code"] == 404
    assert client.get("/api/v1/batches/999/epcis").status_code == 404


# Concurrency


@postgres_only
def test_concurrent_scans_lose_no_counts(app):
    stamps, _ = make_stamps(make_batch())
    code = stamps[0].code
    db.session.remove()
    threads_count, per_thread = 8, 5
    errors = []

    def worker(number: int) -> None:
        client = app.test_client()
        client.set_cookie(DEVICE_COOKIE, f"device-{number:020d}")
        for _ in range(per_thread):
            try:
                assert client.get(f"/t/{code}").status_code == 200
            except Exception as error:  # collected and re-raised in the main thread
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stamp = db.session.scalar(select(Stamp).where(Stamp.code == code))
    assert stamp.scan_count == threads_count * per_thread
    devices = db.session.scalar(
        select(func.count(func.distinct(StampScan.device_hash))).where(
            StampScan.stamp_id == stamp.id
        )
    )
    assert devices == threads_count
    assert row_count(StampScan) == 40
