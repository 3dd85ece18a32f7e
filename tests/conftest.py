"""Shared fixtures: the app on SQLite or PostgreSQL, a CSRF-aware client, builders, live server."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from PIL import Image
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from storefront import create_app
from storefront.accounts.models import Role, User
from storefront.catalog.models import Certificate, Producer, Product, Variant
from storefront.catalog.services import add_certificate, refresh_search_text
from storefront.config import TestConfig
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db, limiter
from storefront.text import slugify

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "correct-horse-42"
CHROMIUM = "/usr/bin/chromium"
POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every form it posts, unless told not to.

    Requests reuse the test's app context (so builders and requests share one database session);
    ``g`` is emptied before each request so that Flask-Login's user, Flask-WTF's token and
    Flask-Babel's locale never carry from one request, or one client, into the next.
    """

    def open(self, *args, **kwargs):
        csrf = kwargs.pop("csrf", True)
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"} and kwargs.get("json") is None:
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                _reset_g()
                token = super().open("/__test__/csrf").get_data(as_text=True)
                kwargs["data"] = {**data, "csrf_token": token}
        _reset_g()
        return super().open(*args, **kwargs)


def _reset_g() -> None:
    if has_app_context():
        for key in list(g):
            g.pop(key)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    uploads = tmp_path_factory.mktemp("uploads")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(tmp_path_factory)
        UPLOAD_DIR = str(uploads)

    application = create_app(Config)
    application.test_client_class = CSRFClient

    @application.get("/__test__/csrf")
    def _csrf_token() -> str:
        return generate_csrf()

    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Each test starts with empty tables and fresh rate-limit counters."""
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    yield
    db.session.rollback()
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table costs more than the
        # test itself, while deleting the few rows a test made is nearly free.
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))
    ctx.pop()


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    return app.test_client()


# Builders: small helpers that make valid records with sensible defaults.


def row_count(model) -> int:
    """How many rows ``model``'s table holds now."""
    return db.session.scalar(select(func.count()).select_from(model))


def png_bytes(size: tuple[int, int] = (64, 48), colour=(200, 120, 40)) -> bytes:
    """A plain PNG picture, for uploads."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def make_producer(name: str = "HTX Vải thiều Thanh Hà", **values) -> Producer:
    producer = Producer(
        slug=values.pop("slug", slugify(name)), name=name, kind="cooperative", **values
    )
    db.session.add(producer)
    db.session.commit()
    return producer


def make_product(
    name: str = "Vải thiều Lục Ngạn",
    *,
    producer: Producer | None = None,
    stars: int = 4,
    decided: date | None = None,
    price: int = 120_000,
    stock: int = 50,
    product_set: int = 1,
    listed: bool = True,
    name_en: str = "",
    certified: bool = True,
) -> Product:
    """A listed product with one variant and, unless ``certified=False``, a certificate in force."""
    producer = producer or make_producer(f"HTX {name}")
    product = Product(
        slug=slugify(name),
        producer=producer,
        product_set=product_set,
        name_vi=name,
        name_en=name_en,
        is_listed=listed,
    )
    db.session.add(product)
    db.session.flush()
    db.session.add(
        Variant(
            product=product,
            sku=f"SKU-{product.id}-1",
            label_vi="Hộp 1 kg",
            label_en="1 kg box",
            price=price,
            stock=stock,
        )
    )
    if certified:
        add_certificate(
            product,
            stars=stars,
            level="province",
            issuing_body="UBND tỉnh Bắc Giang",
            decision_number=f"{product.id}/QĐ-UBND",
            decision_date=decided or today_in_vietnam() - timedelta(days=100),
        )
    refresh_search_text(product)
    db.session.commit()
    return product


# scrypt (what create_user uses) costs ~50 ms a hash; tests that are not about passwords sign in
# with this cheap hash of PASSWORD instead. tests/test_accounts.py covers scrypt itself.
_CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_user(
    role: Role = Role.CUSTOMER, email: str | None = None, producer: Producer | None = None
) -> User:
    """A user whose password is PASSWORD (cheaply hashed); sign in with login()."""
    count = db.session.query(User).count()
    user = User(
        email=email or f"user{count + 1}@example.vn",
        role=role,
        producer_id=producer.id if producer else None,
        password_hash=_CHEAP_HASH,
    )
    db.session.add(user)
    db.session.commit()
    return user


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    """Sign in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def revoke(certificate: Certificate, reason: str = "Vi phạm chất lượng") -> None:
    certificate.revoked_on = today_in_vietnam()
    certificate.revoked_reason = reason
    db.session.commit()


# Browser tests: Debian's Chromium through Playwright, phone-sized.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing")
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} "
        "(apt-get install chromium); .ci/run installs it"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    return {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "locale": "vi-VN",
    }


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served from a thread on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def screenshot(page, request: pytest.FixtureRequest):
    """Save a full-page screenshot under tests/artifacts/ (kept by CI as test artifacts)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def pytest_sessionstart(session: pytest.Session) -> None:
    if ARTIFACTS.exists() and not os.environ.get("KEEP_ARTIFACTS"):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)


postgres_only = pytest.mark.skipif(
    not POSTGRES, reason="row locks and real concurrency need PostgreSQL (set TEST_DATABASE_URL)"
)
