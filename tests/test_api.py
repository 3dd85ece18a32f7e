"""The open-data API: real responses validate against its OpenAPI document; bad input is a 400."""

from __future__ import annotations

from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from storefront.catalog.services import add_certificate
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db
from tests.conftest import make_producer, make_product, revoke
from tests.trace_helpers import make_batch, make_stamps


def seed():
    hong_xuan = make_producer("HTX Hồng Xuân")
    lychee = make_product(
        "Vải thiều Lục Ngạn", producer=hong_xuan, stars=5, name_en="Lục Ngạn lychee"
    )
    make_product("Mật ong hoa vải", producer=hong_xuan, stars=3, product_set=4)
    old = make_product("Mỳ Trại Lâm", stars=3, decided=today_in_vietnam() - timedelta(days=1200))
    add_certificate(
        old,
        stars=4,
        level="province",
        issuing_body="UBND tỉnh Bắc Giang",
        decision_number="9/QĐ-UBND",
        decision_date=today_in_vietnam() - timedelta(days=10),
        score=80,
    )
    db.session.commit()
    revoked = make_product("Snack gạo", stars=3)
    revoke(revoked.certificates[0])
    batch = make_batch(lychee, gtin="08938512345674")
    stamps, _pins = make_stamps(batch, count=1)
    return batch, stamps[0]


def validator_for(document: dict, schema_name: str) -> Draft202012Validator:
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(document))
    return Draft202012Validator(
        {"$ref": f"urn:api#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=FormatChecker(),
    )


MATCHING = (
    ("/api/v1/products", "ProductPage", 3),
    ("/api/v1/products?stars=5&lang=en", "ProductPage", 1),
    ("/api/v1/products?group=food", "ProductPage", 3),
    ("/api/v1/products?place=Lục Ngạn", "ProductPage", 1),
    ("/api/v1/producers", "ProducerPage", 2),
    ("/api/v1/certificates", "CertificatePage", 5),
    ("/api/v1/certificates?status=revoked", "CertificatePage", 1),
    ("/api/v1/certificates?renewal=renewed", "CertificatePage", 1),
    ("/api/v1/certificates?status=expired", "CertificatePage", 1),
    ("/api/v1/products?q=xyz-nothing", "ProductPage", 0),
)


def test_responses_match_the_openapi_document(client):
    """Every filter's real answer validates against the document (one seed: tests stay fast)."""
    seed()
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    for url, schema_name, count in MATCHING:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_json()
        validator_for(document, schema_name).validate(body)
        assert body["total"] == count, url


def test_epcis_answers_match_the_openapi_document(client):
    """The trace feature's EPCIS exports are in the document, and real answers match it."""
    batch, stamp = seed()
    document = client.get("/api/v1/openapi.json").get_json()
    for template, value, events in (
        ("/api/v1/batches/{batch_id}/epcis", batch.id, 3),
        ("/api/v1/stamps/{code}/epcis", stamp.code.lower(), 4),
    ):
        url = template.replace(template[template.index("{") : template.index("}") + 1], str(value))
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/ld+json"
        answers = document["paths"][template]["get"]["responses"]
        assert "application/ld+json" in answers["200"]["content"]
        body = response.get_json(force=True)
        validator_for(document, "EPCISDocument").validate(body)
        assert len(body["epcisBody"]["eventList"]) == events, url
    for url in (
        "/api/v1/batches/99999/epcis",
        f"/api/v1/batches/{2**64}/epcis",
        "/api/v1/stamps/aaaaaaaaaaaaaaaaaaaa/epcis",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        validator_for(document, "Error").validate(response.get_json())


def test_product_json_shows_what_the_catalog_shows(client):
    seed()
    body = client.get("/api/v1/products?stars=5").get_json()
    lychee = body["items"][0]
    assert lychee["name_vi"] == "Vải thiều Lục Ngạn"
    assert lychee["name_en"] == "Lục Ngạn lychee"
    assert lychee["stars"] == 5
    assert lychee["variants"][0]["price_vnd"] == 120_000
    assert lychee["url"].endswith("/products/vai-thieu-luc-ngan")
    assert client.get("/api/v1/products").headers["Access-Control-Allow-Origin"] == "*"


def test_pagination_links_walk_every_item(client):
    seed()
    first = client.get("/api/v1/certificates?per_page=2").get_json()
    assert (first["total"], len(first["items"]), first["previous"]) == (5, 2, None)
    seen = [c["id"] for c in first["items"]]
    following = first["next"]
    while following:
        page = client.get(following.replace("http://localhost", "")).get_json()
        seen += [c["id"] for c in page["items"]]
        following = page["next"]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 5


REFUSED = (
    ("/api/v1/products?stars=9", "stars"),
    ("/api/v1/products?page=x", "page"),
    ("/api/v1/products?per_page=1000", "per_page"),
    ("/api/v1/products?group=toys", "group"),
    ("/api/v1/certificates?status=lost", "status"),
    ("/api/v1/producers?kind=bank", "kind"),
    ("/api/v1/products?q=" + "a" * 300, "q"),
)


def test_bad_parameters_get_a_clear_400_in_json(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for url, words in REFUSED:
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.get_json()
        validator_for(document, "Error").validate(body)
        assert words in body["error"]["message"], url


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_schemathesis_finds_no_server_error_nor_schema_mismatch(app):
    """Generated requests for every operation: no 5xx, and every answer matches the document."""
    seed()
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate()

        run()
