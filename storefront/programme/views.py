"""`/programme`: the programme's progress, public, with more detail for the OCOP office."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..catalog.product_sets import GROUPS
from ..core.clock import today_in_vietnam
from ..core.i18n import localized
from ..core.spreadsheet import csv_text
from .charts import bar_chart
from .services import (
    PLAN_YEAR,
    READY_FOR_FIVE_MIN_SCORE,
    TARGET_NEW_PER_DISTRICT,
    TARGET_TOTAL,
    Figures,
    compute_figures,
    group_rows,
)

bp = Blueprint("programme", __name__)


def _tables(figures: Figures) -> list[dict]:
    """Each table of figures: id, title, description, column names and rows (label, values)."""
    years = sorted(figures.by_year)
    return [
        {
            "id": "stars",
            "title": _("Certified products by stars"),
            "desc": _("Products with an OCOP certificate in force today, by star rating."),
            "columns": [_("Products")],
            "rows": [(f"{n}★", [figures.by_stars[n]]) for n in (3, 4, 5)],
        },
        {
            "id": "groups",
            "title": _("Certified products by product group"),
            "desc": _("Products with an OCOP certificate in force today, by product group."),
            "columns": [_("Products")],
            "rows": [(localized(GROUPS[code], "name"), [n]) for code, n in group_rows(figures)],
        },
        {
            "id": "districts",
            "title": _("Certified products by district (2024 units)"),
            "desc": _("Products in force, by the district named on their certificate."),
            "columns": [_("Products")],
            "rows": [
                (name or _("Place not recorded"), [n])
                for name, n in sorted(figures.by_district.items())
            ],
        },
        {
            "id": "communes",
            "title": _("Certified products by commune (current units)"),
            "desc": _("Products in force, by the commune that covers their address since 2025."),
            "columns": [_("Products")],
            "rows": [
                (name or _("Place not recorded"), [n])
                for name, n in sorted(figures.by_commune.items())
            ],
        },
        {
            "id": "years",
            "title": _("Recognitions by year: new and re-recognised"),
            "desc": _("Council decisions by year; a re-recognition renews an earlier certificate."),
            "columns": [_("Recognised anew"), _("Re-recognised")],
            "rows": [(str(y), [figures.new_by_year[y], figures.renewed_by_year[y]]) for y in years],
        },
        {
            "id": "plan-districts",
            "title": _("New products in %(year)s by district", year=PLAN_YEAR),
            "desc": _(
                "The plan asks each district for at least %(n)s more products in %(year)s.",
                n=TARGET_NEW_PER_DISTRICT,
                year=PLAN_YEAR,
            ),
            "columns": [_("New products")],
            "rows": [
                (name, [figures.new_in_plan_year_by_district[name]]) for name in figures.districts
            ],
            "target": TARGET_NEW_PER_DISTRICT,
        },
    ]


@bp.get("/programme")
def dashboard():
    figures = compute_figures(today_in_vietnam())
    tables = _tables(figures)
    charts = {
        t["id"]: bar_chart(
            f"chart-{t['id']}",
            t["title"],
            t["desc"],
            t["rows"],
            series=t["columns"],
            target=t.get("target"),
            target_label=_("target %(n)s", n=t.get("target")) if t.get("target") else "",
        )
        for t in tables
    }
    return render_template(
        "programme/dashboard.html",
        figures=figures,
        tables=tables,
        charts=charts,
        target_total=TARGET_TOTAL,
        target_per_district=TARGET_NEW_PER_DISTRICT,
        min_score=READY_FOR_FIVE_MIN_SCORE,
        plan_year=PLAN_YEAR,
        is_office=current_user.is_authenticated and current_user.is_office,
    )


@bp.get("/programme.csv")
def dashboard_csv():
    """Every figure of the dashboard as rows of (table, label, column, value)."""
    figures = compute_figures(today_in_vietnam())
    rows = []
    for table in _tables(figures):
        for label, values in table["rows"]:
            for column, value in zip(table["columns"], values, strict=True):
                rows.append([table["id"], label, column, value])
    for days, listing in ((90, figures.expiring_90), (180, figures.expiring_180)):
        rows.append(["expiring", f"{days}", _("Certificates"), len(listing)])
    for key, achieved, target in figures.targets():
        rows.append(["targets", key, _("Achieved"), achieved])
        rows.append(["targets", key, _("Target"), target])
    text = csv_text(["table", "label", "column", "value"], rows, bom=False)
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=ocop-programme.csv"
    return response
