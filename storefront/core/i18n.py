"""Language selection and localized model fields."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_babel import get_locale

LANG_SESSION_KEY = "lang"


def select_locale() -> str:
    """``?lang=``, else the remembered choice, else Accept-Language, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    saved = session.get(LANG_SESSION_KEY)
    if saved in languages:
        return saved
    return request.accept_languages.best_match(languages) or languages[0]


def remember_language() -> None:
    """Remember an explicit ``?lang=`` choice for the following pages."""
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"] and session.get(LANG_SESSION_KEY) != asked:
        session[LANG_SESSION_KEY] = asked


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "vi"


def localized(obj: Any, field: str) -> str:
    """``obj.<field>_en`` for English visitors when it is filled, else ``obj.<field>_vi``."""
    if current_language() == "en":
        value = getattr(obj, f"{field}_en", "") or ""
        if value.strip():
            return value
    return getattr(obj, f"{field}_vi", "") or ""
