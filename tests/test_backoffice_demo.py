"""The back office renders with the full demo data for the demo logins `make serve` prints."""

from __future__ import annotations

from sqlalchemy import select

from storefront.accounts.models import User
from storefront.catalog.models import Product
from storefront.demo.accounts import OFFICE, STAFF, STAFF_PASSWORD, logins
from storefront.demo.commands import load_all
from storefront.extensions import db


def test_demo_logins_open_their_back_office(app):
    load_all()
    assert len(logins()) == 2 + len(STAFF)
    office = app.test_client()
    response = office.post("/login", data={"email": OFFICE[0], "password": OFFICE[1]})
    assert response.headers["Location"] == "/office/"
    for url in (
        "/office/",
        "/office/producers",
        "/office/certificates",
        "/office/certificates?status=expiring180",
        "/office/certificates?status=revoked&stars=4",
        "/office/certificates.csv",
        "/office/certificates/new",
        "/office/import",
        "/office/audit",
    ):
        assert office.get(url).status_code == 200, url
    for email in STAFF.values():
        staff = app.test_client()
        response = staff.post("/login", data={"email": email, "password": STAFF_PASSWORD})
        assert response.headers["Location"] == "/dashboard/", email
        user = db.session.scalar(select(User).where(User.email == email))
        for url in ("/dashboard/", "/dashboard/products", "/dashboard/profile"):
            assert staff.get(url).status_code == 200, (email, url)
        for product in db.session.scalars(
            select(Product).where(Product.producer_id == user.producer_id)
        ):
            assert staff.get(f"/dashboard/products/{product.id}").status_code == 200
