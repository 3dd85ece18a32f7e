"""Public catalog pages: home, product listing, product and producer pages, sitemap."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Producer, Product
from .services import current_certificate, is_sellable

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    today = date.today()
    products = db.session.scalars(
        select(Product)
        .where(is_sellable(today))
        .options(selectinload(Product.images), selectinload(Product.certificates))
        .order_by(Product.id)
        .limit(12)
    ).all()
    return render_template(
        "catalog/home.html", products=products, today=today, current_certificate=current_certificate
    )


@bp.get("/products")
def products():
    today = date.today()
    items = db.session.scalars(
        select(Product)
        .where(is_sellable(today))
        .options(selectinload(Product.images), selectinload(Product.certificates))
        .order_by(Product.id)
    ).all()
    return render_template(
        "catalog/products.html",
        products=items,
        today=today,
        current_certificate=current_certificate,
    )


@bp.get("/products/<slug>")
def product(slug: str):
    item = db.session.scalar(select(Product).where(Product.slug == slug[:160]))
    if item is None:
        abort(404)
    return render_template(
        "catalog/product.html",
        product=item,
        certificate=current_certificate(item),
        today=date.today(),
    )


@bp.get("/producers/<slug>")
def producer(slug: str):
    item = db.session.scalar(select(Producer).where(Producer.slug == slug[:160]))
    if item is None:
        abort(404)
    return render_template("catalog/producer.html", producer=item)


@bp.get("/sitemap.xml")
def sitemap():
    slugs = db.session.scalars(select(Product.slug).where(is_sellable(date.today()))).all()
    urls = [url_for("catalog.home")] + [url_for("catalog.product", slug=s) for s in slugs]
    body = render_template("catalog/sitemap.xml", urls=urls)
    return Response(body, mimetype="application/xml")
