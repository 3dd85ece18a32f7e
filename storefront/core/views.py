"""Health check, uploaded media, robots.txt and the favicon."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, send_from_directory, url_for
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    """200 with the database reachable, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("Health check could not reach the database")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/media/<path:filename>")
def media(filename: str):
    """Uploaded and generated images; names are content hashes, so they cache for a year."""
    response = send_from_directory(current_app.config["UPLOAD_DIR"], filename, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/robots.txt")
def robots():
    body = (
        f"User-agent: *\nDisallow: /dashboard\nDisallow: /office\nDisallow: /cart\n"
        f"Sitemap: {current_app.config['SITE_URL'].rstrip('/')}{url_for('catalog.sitemap')}\n"
    )
    return Response(body, mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
