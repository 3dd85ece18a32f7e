"""The programme dashboard: figures, targets, accessible SVG charts, the table and CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

from storefront.accounts.models import Role
from storefront.catalog.services import add_certificate
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db
from storefront.programme.services import compute_figures
from tests.conftest import login, make_product, make_user, revoke


def seed():
    make_product("Vải thiều Lục Ngạn", stars=5)
    ready = make_product("Rượu làng Vân", stars=4)
    ready.certificates[0].score = 87
    soon = make_product(
        "Cà chua Thùy Châm", stars=3, decided=today_in_vietnam() - timedelta(days=1050)
    )
    renewed = make_product(
        "Mỳ Trại Lâm", stars=3, decided=today_in_vietnam() - timedelta(days=1200)
    )
    add_certificate(
        renewed,
        stars=4,
        level="province",
        issuing_body="UBND tỉnh Bắc Giang",
        decision_number="7/QĐ-UBND",
        decision_date=today_in_vietnam() - timedelta(days=5),
        score=72,
    )
    db.session.commit()
    gone = make_product("Snack gạo", stars=3)
    revoke(gone.certificates[0])
    return soon


def test_figures_count_only_certificates_in_force():
    seed()
    figures = compute_figures(today_in_vietnam())
    assert figures.total == 4
    assert dict(figures.by_stars) == {5: 1, 4: 2, 3: 1}
    assert [c.product.name_vi for c in figures.ready_for_five] == ["Rượu làng Vân"]
    assert [c.product.name_vi for c in figures.expiring_90] == ["Cà chua Thùy Châm"]
    assert len(figures.expiring_180) == 1
    this_year = today_in_vietnam().year
    assert figures.renewed_by_year[this_year] == 1
    assert sum(figures.new_by_year.values()) == 5
    targets = {key: (achieved, target) for key, achieved, target in figures.targets()}
    assert targets["total"] == (4, 350)
    assert targets["ready_for_five"] == (1, 2)


def test_public_dashboard_shows_charts_with_titles_and_tables(client):
    seed()
    response = client.get("/programme")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "4</strong>" in html  # certified products
    assert "350" in html
    assert "Cà chua Thùy Châm" not in html  # the list of expiring products is for the office
    start = html.index('<svg class="chart" id="chart-stars"')
    svg = html[start : html.index("</svg>", start) + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text
    assert root.find(f"{ns}desc").text
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "5★" in labels and "1" in labels
    assert "<table" in html and "<summary>" in html


def test_office_sees_the_expiring_certificates(client):
    seed()
    login(client, make_user(Role.OFFICE))
    html = client.get("/programme").get_data(as_text=True)
    assert "Cà chua Thùy Châm" in html
    assert "Rượu làng Vân" in html


def test_csv_has_every_figure(client):
    seed()
    response = client.get("/programme.csv?lang=en")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["table", "label", "column", "value"]
    stars = {r[1]: r[3] for r in rows if r[0] == "stars"}
    assert stars == {"3★": "1", "4★": "2", "5★": "1"}
    assert ["targets", "total", "Target", "350"] in rows


def test_dashboard_in_english(client):
    seed()
    html = client.get("/programme?lang=en").get_data(as_text=True)
    assert "Certified products by stars" in html
