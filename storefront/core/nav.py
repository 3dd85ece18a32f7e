"""Back-office menus: each feature adds its pages here; templates show those that exist."""

from __future__ import annotations

from flask import current_app
from flask_babel import LazyString

# area ("dashboard" for producers, "office" for the OCOP office) -> [(order, endpoint, label)]
MENUS: dict[str, list[tuple[int, str, LazyString | str]]] = {"dashboard": [], "office": []}


def add_menu_item(area: str, endpoint: str, label: LazyString | str, order: int = 50) -> None:
    """Add a page to a back-office menu (called once, at import of the feature's views)."""
    if all(existing[1] != endpoint for existing in MENUS[area]):
        MENUS[area].append((order, endpoint, label))


def menu(area: str) -> list[tuple[str, LazyString | str]]:
    """The menu's (endpoint, label) pairs, in order, for endpoints this app has."""
    endpoints = current_app.view_functions
    return [
        (endpoint, label)
        for _, endpoint, label in sorted(MENUS[area], key=lambda m: m[0])
        if endpoint in endpoints
    ]
