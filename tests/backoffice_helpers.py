"""Helpers for the back-office tests: fresh per-request state and cheaply hashed users.

conftest keeps an app context pushed for the whole test, and Flask reuses it for each request,
so `g` outlives requests: Flask-Babel's cached locale, Flask-Login's cached user and Flask-WTF's
cached CSRF token would leak from one request (or client) into the next. This fixture clears
them when each request starts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started
from werkzeug.security import generate_password_hash

from storefront.accounts.models import Role, User
from storefront.catalog.models import Producer
from storefront.extensions import db
from tests.conftest import PASSWORD

# scrypt is what production uses (tested in test_accounts); a cheap hash keeps these tests fast.
_CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture(autouse=True)
def fresh_request_state(app: Flask) -> Iterator[None]:
    def clear(sender: Flask, **extra: object) -> None:
        g.pop("_flask_babel", None)
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)


def fast_user(
    role: Role = Role.CUSTOMER, email: str | None = None, producer: Producer | None = None
) -> User:
    """A user whose password is PASSWORD, hashed cheaply (sign in with conftest's login())."""
    count = db.session.query(User).count()
    user = User(
        email=email or f"staff{count + 1}@example.vn",
        role=role,
        producer_id=producer.id if producer else None,
        password_hash=_CHEAP_HASH,
    )
    db.session.add(user)
    db.session.commit()
    return user
