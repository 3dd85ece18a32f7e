"""The application's foundation: health, languages, errors, migrations and the demo data."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, select

from storefront import create_app
from storefront.accounts.models import User
from storefront.catalog.models import Certificate, CertificateStatus, Producer, Product, Variant
from storefront.config import TestConfig
from storefront.demo.catalog import read_rows
from storefront.demo.commands import load_all
from storefront.extensions import db
from storefront.places.models import Place
from storefront.text import slugify
from tests.conftest import row_count

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ({}, "", "Không tìm thấy trang"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "", "Page not found"),
        ({"Accept-Language": "en"}, "?lang=vi", "Không tìm thấy trang"),
        ({}, "?lang=en", "Page not found"),
    ],
)
def test_404_in_the_visitors_language(client, headers, query, expected):
    response = client.get(f"/no-such-page{query}", headers=headers)
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_language_choice_is_remembered(client):
    client.get("/?lang=en")
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" in page
    assert '<html lang="en">' in page


def test_api_callers_get_json_errors(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_unexpected_errors_are_a_friendly_500(app):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        PROPAGATE_EXCEPTIONS = False

    fresh = create_app(Config)

    @fresh.get("/__test__/boom")
    def boom():
        raise RuntimeError("boom")

    response = fresh.test_client().get("/__test__/boom?lang=en")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_migrations_create_exactly_the_models(tmp_path):
    """`flask db upgrade` on an empty database yields the tables the models declare."""
    url = f"sqlite:///{tmp_path / 'migrated.db'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    migrated = create_app(Config)
    with migrated.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    engine.dispose()
    assert diff == []


def test_demo_load_is_complete_and_idempotent():
    load_all()
    counts = [row_count(m) for m in (Producer, Product, Variant, Certificate, Place, User)]
    # Every real product in the source file (the events demo adds the Liên Chung tourism pilot).
    real = {slugify(row.product_vi) for row in read_rows()}
    assert len(real) == 39 and real <= set(db.session.scalars(select(Product.slug)))
    load_all()
    assert counts == [row_count(m) for m in (Producer, Product, Variant, Certificate, Place, User)]
    statuses = {c.status() for c in db.session.scalars(select(Certificate))}
    assert {
        CertificateStatus.EXPIRED,
        CertificateStatus.REVOKED,
        CertificateStatus.VALID,
    } <= statuses
    revoked = db.session.scalar(select(Certificate).where(Certificate.revoked_on.is_not(None)))
    assert revoked.revoked_reason
    lychee = db.session.scalar(select(Product).where(Product.slug == "vai-thieu-luc-ngan"))
    assert lychee.certificates[-1].stars == 5
    assert lychee.certificates[-1].level == "central"
    assert lychee.images and lychee.variants
    lien_chung = db.session.scalar(select(Product).where(Product.slug == "nem-nuong-lien-chung"))
    assert lien_chung.legacy_place.name == "Xã Liên Chung"
    assert lien_chung.current_place.full_name == "Xã Phúc Hòa, Tỉnh Bắc Ninh"
