"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import format_date

from ..money import format_vnd
from .i18n import current_language, localized, remember_language
from .nav import menu


def vnd(amount: int | None) -> str:
    """Jinja filter: whole đồng in the visitor's locale."""
    if amount is None:
        return ""
    return format_vnd(int(amount), current_language())


def url_with(**changes: object) -> str:
    """The current path with some query arguments changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return request.path + (f"?{query}" if query else "")


def absolute_url(path: str) -> str:
    """An absolute URL on the public site (canonical links, sitemaps, stamps)."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def canonical_url(lang: str | None = None, args: Mapping[str, object] | None = None) -> str:
    """The page's canonical URL: its path, its meaningful query, and ``lang=en`` for English.

    A page declares what in its query is meaningful by setting ``canonical_args`` in its
    template (the listing sets its cleaned filters); everything else in the visitor's query
    (utm_source, fbclid, a mistyped filter) stays out of canonical and alternate links.
    """
    query = dict(args or {})
    if lang == "en":
        query["lang"] = "en"
    encoded = urlencode(sorted(query.items()), doseq=True)
    return absolute_url(request.path + (f"?{encoded}" if encoded else ""))


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, format="long" if current_language() == "en" else "dd/MM/yyyy")


def register(app: Flask) -> None:
    app.before_request(remember_language)
    app.jinja_env.filters["vnd"] = vnd
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals.update(
        localized=localized,
        url_with=url_with,
        canonical_url=canonical_url,
        absolute_url=absolute_url,
        current_language=current_language,
        backoffice_menu=menu,
    )
