"""The OCOP office: producers, suspension, certificates, lists and CSV, import, audit log."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.catalog.models import Certificate, Producer, Product
from storefront.core.clock import today_in_vietnam
from storefront.core.models import AuditEntry
from storefront.extensions import db
from storefront.places.services import load_province
from tests.conftest import login, make_producer, make_product, make_user, row_count

TODAY = today_in_vietnam()


@pytest.fixture
def office(client):
    user = make_user(Role.OFFICE, email="office@example.vn")
    login(client, user)
    return user


def listing(client) -> str:
    return client.get("/products").get_data(as_text=True)


PRODUCER = {
    "name": "HTX Nông nghiệp Xanh Yên Thế",
    "kind": "cooperative",
    "tax_code": "0100109106",
    "phone": "0204 3855 123",
    "email": "",
    "address_line": "",
    "district": "",
    "commune": "",
}


def test_office_creates_and_edits_a_producer(client, office):
    response = client.post("/office/producers/new", data=PRODUCER)
    assert response.status_code == 302
    producer = db.session.scalar(select(Producer))
    assert (producer.slug, producer.phone) == ("htx-nong-nghiep-xanh-yen-the", "02043855123")
    response = client.post(
        f"/office/producers/{producer.id}", data={**PRODUCER, "kind": "enterprise"}
    )
    assert response.status_code == 302
    db.session.refresh(producer)
    assert producer.kind == "enterprise"
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create_producer", "update_producer"]
    assert entries[1].before == {"kind": "cooperative"}
    assert entries[1].after == {"kind": "enterprise"}
    assert entries[1].actor_id == office.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_code": "0100109107"}, "tax code is not valid"),
        ({"phone": "0123"}, "Vietnamese phone number"),
        ({"name": ""}, "fill in"),
        ({"slug": "Có Dấu"}, "lower-case letters"),
    ],
)
def test_bad_producer_input_is_refused(client, office, changes, message):
    response = client.post("/office/producers/new?lang=en", data={**PRODUCER, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert row_count(Producer) == 0


def test_duplicate_producer_slug_is_refused(client, office):
    make_producer(PRODUCER["name"])
    response = client.post("/office/producers/new?lang=en", data=PRODUCER)
    assert response.status_code == 400
    assert "already used by another producer" in response.get_data(as_text=True)
    assert row_count(Producer) == 1


def test_suspending_a_producer_removes_its_products_until_reactivated(client, office):
    product = make_product("Gà đồi Yên Thế")
    assert product.name_vi in listing(client)
    response = client.post(
        f"/office/producers/{product.producer_id}/suspend",
        data={"reason": "Vi phạm an toàn thực phẩm"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert product.name_vi not in listing(client)
    db.session.refresh(product.producer)
    assert product.producer.suspended_reason == "Vi phạm an toàn thực phẩm"
    missing_reason = client.post(f"/office/producers/{product.producer_id}/suspend", data={})
    assert missing_reason.status_code == 400
    client.post(f"/office/producers/{product.producer_id}/reactivate", data={})
    assert product.name_vi in listing(client)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["suspend_producer", "reactivate_producer"]


def certificate_form(product: Product, **changes) -> dict:
    values = {
        "product_id": str(product.id),
        "stars": "4",
        "score": "78",
        "level": "province",
        "issuing_body": "UBND tỉnh Bắc Ninh",
        "decision_number": "2345/QĐ-UBND",
        "decision_date": TODAY.isoformat(),
    }
    return {**values, **changes}


def test_renewal_brings_an_expired_product_back(client, office):
    product = make_product("Mỳ Trại Lâm", decided=TODAY - timedelta(days=4 * 365))
    assert product.name_vi not in listing(client)
    assert client.get(f"/office/certificates/new?product_id={product.id}").status_code == 200
    response = client.post("/office/certificates/new", data=certificate_form(product))
    assert response.status_code == 302
    assert product.name_vi in listing(client)
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.decision_date)).all()
    assert certificates[-1].renews_id == certificates[0].id
    assert certificates[-1].score == 78
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record_certificate"))
    assert entry.after["decision_number"] == "2345/QĐ-UBND"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stars": "6"}, "Choose one of the options"),
        ({"stars": "two"}, "Choose one of the options"),
        ({"level": "commune"}, "Choose one of the options"),
        ({"score": "40"}, "from 50 to 100"),
        ({"decision_date": "31/02/2025"}, "Enter a date"),
        ({"decision_number": ""}, "fill in"),
    ],
)
def test_bad_certificates_are_refused(client, office, changes, message):
    product = make_product(certified=False)
    response = client.post(
        "/office/certificates/new?lang=en", data=certificate_form(product, **changes)
    )
    assert response.status_code == 400
    assert row_count(Certificate) == 0
    assert message in response.get_data(as_text=True)


def test_the_same_decision_twice_is_refused(client, office):
    product = make_product(certified=False)
    client.post("/office/certificates/new", data=certificate_form(product))
    again = client.post("/office/certificates/new?lang=en", data=certificate_form(product))
    assert again.status_code == 400
    assert "already recorded" in again.get_data(as_text=True)
    assert row_count(Certificate) == 1


def test_revoking_removes_the_product_at_once(client, office):
    product = make_product("Snack gạo JOY")
    certificate = product.certificates[0]
    assert product.name_vi in listing(client)
    response = client.post(
        f"/office/certificates/{certificate.id}/revoke",
        data={"reason": "Không đạt vi sinh"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert product.name_vi not in listing(client)
    db.session.refresh(certificate)
    assert (certificate.revoked_on, certificate.revoked_reason) == (TODAY, "Không đạt vi sinh")
    again = client.post(f"/office/certificates/{certificate.id}/revoke", data={"reason": "x"})
    assert again.status_code == 409
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "revoke_certificate"))
    assert entry.before == {"revoked_on": None, "revoked_reason": None}
    assert entry.after["revoked_reason"] == "Không đạt vi sinh"


@pytest.fixture
def spread():
    """Certificates expiring in 20, 60 and 150 days; one long valid, one expired, one revoked."""

    def decided_for_expiry_in(days: int) -> date:
        return TODAY + timedelta(days=days) - timedelta(days=365 * 3) + timedelta(days=1)

    products = {
        "in20": make_product("Vải sớm Phúc Hòa", decided=decided_for_expiry_in(20), stars=3),
        "in60": make_product("Gạo nếp Yên Thế", decided=decided_for_expiry_in(60)),
        "in150": make_product("Mật ong Hồng Xuân", decided=decided_for_expiry_in(150), stars=5),
        "long": make_product("Trà hoa vàng", decided=TODAY - timedelta(days=10)),
        "expired": make_product("Mỳ Trại Lâm", decided=TODAY - timedelta(days=4 * 365)),
        "revoked": make_product("Snack gạo JOY"),
    }
    certificate = products["revoked"].certificates[0]
    certificate.revoked_on, certificate.revoked_reason = TODAY, "Vi phạm"
    db.session.commit()
    return products


def names_in(client, query: str) -> set[str]:
    page = client.get("/office/certificates" + query).get_data(as_text=True)
    names = {
        "Vải sớm Phúc Hòa",
        "Gạo nếp Yên Thế",
        "Mật ong Hồng Xuân",
        "Trà hoa vàng",
        "Mỳ Trại Lâm",
        "Snack gạo JOY",
    }
    return {n for n in names if n in page}


def test_certificate_lists_filter_by_expiry_status_and_stars(client, office, spread):
    assert names_in(client, "?status=expiring30") == {"Vải sớm Phúc Hòa"}
    assert names_in(client, "?status=expiring90") == {"Vải sớm Phúc Hòa", "Gạo nếp Yên Thế"}
    assert names_in(client, "?status=expiring180") == {
        "Vải sớm Phúc Hòa",
        "Gạo nếp Yên Thế",
        "Mật ong Hồng Xuân",
    }
    assert names_in(client, "?status=expired") == {"Mỳ Trại Lâm"}
    assert names_in(client, "?status=revoked") == {"Snack gạo JOY"}
    assert names_in(client, "?stars=5") == {"Mật ong Hồng Xuân"}
    assert names_in(client, "?status=expiring180&stars=3") == {"Vải sớm Phúc Hòa"}
    assert len(names_in(client, "?status=nonsense&stars=9")) == 6


def test_certificate_list_filters_by_place(client, office):
    load_province("Bắc Giang")
    client.post(
        "/office/producers/new",
        data={**PRODUCER, "district": "Lục Ngạn", "commune": "Phượng Sơn"},
    )
    producer = db.session.scalar(select(Producer))
    make_product("Vải thiều Phượng Sơn", producer=producer)
    make_product("Gà đồi Yên Thế")
    assert names_in_place(client, "Huyện Lục Ngạn") == {"Vải thiều Phượng Sơn"}


def names_in_place(client, place: str) -> set[str]:
    page = client.get("/office/certificates", query_string={"place": place}).get_data(as_text=True)
    return {n for n in ("Vải thiều Phượng Sơn", "Gà đồi Yên Thế") if n in page}


def test_certificate_csv_export(client, office, spread):
    response = client.get("/office/certificates.csv?status=expiring90")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["product_name_vi"] for r in rows} == {"Vải sớm Phúc Hòa", "Gạo nếp Yên Thế"}
    assert {r["status"] for r in rows} == {"expiring"}


HEADER = (
    "producer_name,producer_kind,producer_tax_code,district_2024,commune_2024,product_name_vi,"
    "product_name_en,product_set,stars,level,issuing_body,decision_number,decision_date\n"
)
GOOD = HEADER + (
    "HTX Vải thiều Phì Điền,cooperative,0100109106,Lục Ngạn,Phì Điền,Vải thiều Phì Điền,"
    "Phi Dien lychee,1,4,province,UBND tỉnh Bắc Giang,1001/QĐ-UBND,2024-05-10\n"
    "HTX Vải thiều Phì Điền,cooperative,0100109106,Lục Ngạn,Phì Điền,Vải sấy Phì Điền,,7,3,"
    "district,UBND huyện Lục Ngạn,88/QĐ-UBND,15/03/2024\n"
    '"Hộ kinh doanh Bánh chưng, Tân Yên",household,,Tân Yên,,Bánh chưng Tân Yên,,6,3,'
    "district,UBND huyện Tân Yên,77/QĐ-UBND,2023-12-01\n"
)


def upload(client, data: bytes, name: str = "ocop.csv"):
    return client.post(
        "/office/import?lang=en",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def totals() -> tuple[int, int, int, int]:
    return row_count(Producer), row_count(Product), row_count(Certificate), row_count(AuditEntry)


def test_import_creates_everything_and_again_changes_nothing(client, office):
    response = upload(client, GOOD.encode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 new producers, 3 new products, 3 new certificates" in page
    first = totals()
    assert first[:3] == (2, 3, 3)
    lychee = db.session.scalar(select(Product).where(Product.name_vi == "Vải thiều Phì Điền"))
    assert lychee.producer.address_as_written == "xã Phì Điền, huyện Lục Ngạn, tỉnh Bắc Giang"
    assert lychee.name_vi in listing(client)
    again = upload(client, GOOD.encode())
    assert "0 new producers, 0 new products, 0 new certificates" in again.get_data(as_text=True)
    assert "already imported, unchanged" in again.get_data(as_text=True)
    assert totals() == first


def test_import_with_a_bad_row_saves_nothing_and_reports_each_row(client, office):
    bad = GOOD + ("HTX Mới,cooperative,123,Lục Ngạn,,Sản phẩm mới,,40,6,town,UBND,,2099-01-01\n")
    response = upload(client, bad.encode())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "1 row has errors. Nothing was imported." in page
    for message in (
        "producer_tax_code is not a valid tax code",
        "product_set must be a number from 1 to 26",
        "stars must be 3, 4 or 5",
        "level must be one of",
        "decision_number is empty",
        "decision_date is in the future",
    ):
        assert message in page, message
    assert totals() == (0, 0, 0, 0)


def test_import_rejects_wrong_encoding_and_missing_columns(client, office):
    response = upload(client, GOOD.encode("utf-16"))
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)
    latin = "producer_name,product_name_vi\nCafé,Thé\n".encode("latin-1")
    assert "not UTF-8" in upload(client, latin).get_data(as_text=True)
    missing = upload(client, b"producer_name,product_name_vi\nHTX A,B\n")
    assert missing.status_code == 400
    text = missing.get_data(as_text=True)
    assert "These columns are missing: product_set, stars, level" in text
    assert upload(client, b"").status_code == 400
    assert totals() == (0, 0, 0, 0)


def test_import_refuses_a_repeated_row(client, office):
    lines = GOOD.splitlines()
    response = upload(client, ("\n".join([*lines, lines[1]]) + "\n").encode())
    assert "This row repeats row 2." in response.get_data(as_text=True)
    assert totals() == (0, 0, 0, 0)


def test_audit_log_lists_and_filters_changes(client, office):
    product = make_product("Gà đồi Yên Thế")
    other = make_producer("HTX Khác")
    client.post(f"/office/producers/{product.producer_id}/suspend", data={"reason": "Kiểm tra"})
    client.post(f"/office/producers/{other.id}/suspend", data={"reason": "Hồ sơ thiếu"})
    client.post(
        f"/office/certificates/{product.certificates[0].id}/revoke", data={"reason": "Vi phạm"}
    )
    page = client.get("/office/audit").get_data(as_text=True)
    assert "suspend_producer" in page and "revoke_certificate" in page
    assert "office@example.vn" in page
    only = client.get(f"/office/audit?producer_id={other.id}").get_data(as_text=True)
    assert "Hồ sơ thiếu" in only and "Kiểm tra" not in only
    by_action = client.get("/office/audit?action=revoke_certificate").get_data(as_text=True)
    assert "Vi phạm" in by_action and "Hồ sơ thiếu" not in by_action
    future = (TODAY + timedelta(days=1)).isoformat()
    assert "Vi phạm" not in client.get(f"/office/audit?since={future}").get_data(as_text=True)
    assert "Vi phạm" in client.get(
        f"/office/audit?actor=office@&until={TODAY.isoformat()}"
    ).get_data(as_text=True)


def test_producer_changes_appear_in_the_office_audit_log(client, office):
    product = make_product("Gà đồi Yên Thế")
    staff = make_user(Role.PRODUCER, producer=product.producer)
    client.post("/logout")
    login(client, staff)
    client.post(f"/dashboard/products/{product.id}/listing", data={"listed": "0"})
    client.post("/logout")
    login(client, office)
    page = client.get("/office/audit?action=unlist_product").get_data(as_text=True)
    assert staff.email in page


def test_import_reads_semicolon_separated_files_from_spreadsheets(client, office):
    rows = [line.split(",") for line in HEADER.strip().splitlines()]
    data = (
        ";".join(rows[0])
        + "\n"
        + ";".join(
            [
                "HTX Chè Bản Ven",
                "cooperative",
                "",
                "Yên Thế",
                "",
                "Chè Bản Ven",
                "",
                "11",
                "3",
                "district",
                "UBND huyện Yên Thế",
                "12/QĐ-UBND",
                "01/06/2024",
            ]
        )
        + "\n"
    )
    response = upload(client, ("\ufeff" + data).encode())
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert totals()[:3] == (1, 1, 1)
    certificate = db.session.scalar(select(Certificate))
    assert certificate.decision_date == date(2024, 6, 1)
