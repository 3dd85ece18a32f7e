"""`/api/v1`: read-only open data as JSON, described by /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..core.clock import today_in_vietnam
from ..extensions import limiter
from . import services
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limiter.limit("300/minute")(bp)


@bp.after_request
def open_to_everyone(response):
    """Open data: any site may read it from a browser."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["SITE_URL"].rstrip("/")))


@bp.get("/products")
def products():
    today = today_in_vietnam()
    page, per_page = services.page_args(request.args)
    query = services.products_query(request.args, today)
    rows, meta = services.paginate(query, page, per_page, "api.products", request.args)
    return jsonify(items=[services.product_json(p, today) for p in rows], **meta)


@bp.get("/producers")
def producers():
    today = today_in_vietnam()
    page, per_page = services.page_args(request.args)
    query = services.producers_query(request.args, today)
    rows, meta = services.paginate(query, page, per_page, "api.producers", request.args)
    counts = services.published_counts([p.id for p in rows], today)
    return jsonify(items=[services.producer_json(p, counts.get(p.id, 0)) for p in rows], **meta)


@bp.get("/certificates")
def certificates():
    today = today_in_vietnam()
    page, per_page = services.page_args(request.args)
    query = services.certificates_query(request.args, today)
    rows, meta = services.paginate(query, page, per_page, "api.certificates", request.args)
    return jsonify(items=[services.certificate_json(c, today) for c in rows], **meta)
