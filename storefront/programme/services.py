"""Programme figures: certified products by stars, group, place and year; renewals; targets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog.models import Certificate, Product
from ..catalog.product_sets import GROUPS, PRODUCT_SETS
from ..catalog.services import certificate_allows_sale
from ..extensions import db
from ..places.models import Place

# Bắc Giang's 2024 OCOP plan: at least 350 products of 3★ or more in force in the province, each
# district at least 10 more products in 2024, and at least 2 products ready for 5★ evaluation.
TARGET_TOTAL = 350
TARGET_NEW_PER_DISTRICT = 10
TARGET_READY_FOR_FIVE = 2
PLAN_YEAR = 2024
# "Ready for 5★ evaluation": a 4★ certificate in force scored at least 85 of 100 (the 5★ bar is 90).
READY_FOR_FIVE_MIN_SCORE = 85


@dataclass
class Figures:
    """Everything the programme dashboard shows, computed once per request."""

    today: date
    in_force: list[Certificate]
    by_stars: Counter = field(default_factory=Counter)
    by_group: Counter = field(default_factory=Counter)
    by_district: Counter = field(default_factory=Counter)
    by_commune: Counter = field(default_factory=Counter)
    by_year: Counter = field(default_factory=Counter)
    new_by_year: Counter = field(default_factory=Counter)
    renewed_by_year: Counter = field(default_factory=Counter)
    new_in_plan_year_by_district: Counter = field(default_factory=Counter)
    expiring_90: list[Certificate] = field(default_factory=list)
    expiring_180: list[Certificate] = field(default_factory=list)
    ready_for_five: list[Certificate] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.in_force)

    def targets(self) -> list[tuple[str, int, int]]:
        """(target key, achieved, target) for each of the plan's targets."""
        rows = [
            ("total", self.total, TARGET_TOTAL),
            ("ready_for_five", len(self.ready_for_five), TARGET_READY_FOR_FIVE),
        ]
        rows += [
            (f"district:{name}", self.new_in_plan_year_by_district[name], TARGET_NEW_PER_DISTRICT)
            for name in self.districts
        ]
        return rows


def district_of(product: Product) -> str | None:
    """The 2024 district a product was certified in (its legacy place or that place's parent)."""
    place = product.legacy_place
    while place is not None and place.level == "commune":
        place = place.parent
    return place.name if place is not None and place.level == "district" else None


def commune_now(product: Product) -> str | None:
    place = product.current_place
    return place.name if place is not None and place.level == "commune" else None


def compute_figures(today: date) -> Figures:
    """Count the programme's certificates as of ``today``."""
    certificates = db.session.scalars(
        select(Certificate).options(selectinload(Certificate.product)).order_by(Certificate.id)
    ).all()
    in_force_ids = set(
        db.session.scalars(select(Certificate.id).where(certificate_allows_sale(today)))
    )
    # One certificate per product: the latest in force.
    latest: dict[int, Certificate] = {}
    for certificate in certificates:
        if certificate.id in in_force_ids:
            held = latest.get(certificate.product_id)
            if held is None or certificate.decision_date > held.decision_date:
                latest[certificate.product_id] = certificate
    figures = Figures(today=today, in_force=sorted(latest.values(), key=lambda c: c.id))
    figures.districts = sorted(
        db.session.scalars(
            select(Place.name).where(Place.era == "legacy", Place.level == "district")
        ).all()
    )
    for certificate in figures.in_force:
        product = certificate.product
        figures.by_stars[certificate.stars] += 1
        figures.by_group[PRODUCT_SETS[product.product_set].group.code] += 1
        figures.by_district[district_of(product) or ""] += 1
        figures.by_commune[commune_now(product) or ""] += 1
        days_left = (certificate.valid_until - today).days
        if days_left < 90:
            figures.expiring_90.append(certificate)
        if days_left < 180:
            figures.expiring_180.append(certificate)
        if certificate.stars == 4 and (certificate.score or 0) >= READY_FOR_FIVE_MIN_SCORE:
            figures.ready_for_five.append(certificate)
    for certificate in certificates:
        year = certificate.decision_date.year
        figures.by_year[year] += 1
        if certificate.renews_id is None:
            figures.new_by_year[year] += 1
            if year == PLAN_YEAR:
                district = district_of(certificate.product)
                if district:
                    figures.new_in_plan_year_by_district[district] += 1
        else:
            figures.renewed_by_year[year] += 1
    for listing in (figures.expiring_90, figures.expiring_180):
        listing.sort(key=lambda c: c.valid_until)
    return figures


def group_rows(figures: Figures) -> list[tuple[str, int]]:
    """(group code, count) for the six groups, in the programme's order."""
    return [(code, figures.by_group[code]) for code in GROUPS]


def expiry_horizon(today: date, days: int) -> date:
    return today + timedelta(days=days)
