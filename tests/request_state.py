"""Per-request state for tests that make several requests inside one long app context.

conftest keeps an app context pushed for the whole test, and Flask reuses it for each request,
so `g` outlives requests: Flask-Babel's cached locale, Flask-Login's cached user and Flask-WTF's
cached CSRF token would leak from one request (or client) into the next. This fixture clears
them when each request starts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started


@pytest.fixture(autouse=True)
def fresh_request_state(app: Flask) -> Iterator[None]:
    def clear(sender: Flask, **extra: object) -> None:
        g.pop("_flask_babel", None)
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)
