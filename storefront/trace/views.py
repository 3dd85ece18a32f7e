"""Public traceability pages: the stamp scan page, GS1 Digital Link resolver and EPCIS export."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from babel import dates as babel_dates
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog.models import Product, Variant
from ..catalog.services import current_certificate
from ..core.clock import today_in_vietnam
from ..core.errors import render_error
from ..core.i18n import current_language
from ..extensions import db, limiter
from . import epcis, gs1
from .forms import PinForm, ReportForm
from .models import AreaStandard, Batch, GrowingArea, Stamp, TraceEvent
from .records import event_title, market_name, parse_offset
from .services import (
    DEVICE_COOKIE,
    Verdict,
    batch_for_lot,
    check_pin,
    file_report,
    find_stamp,
    new_device_token,
    record_scan,
)

bp = Blueprint("trace", __name__)
MAX_ID = 2**31 - 1

DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600


def _not_found_only(response: Response) -> bool:
    return response.status_code == 404


def _load_stamp(code: str) -> tuple[str | None, Stamp | None]:
    return find_stamp(code[:40])


def _stamp_page_data(stamp: Stamp) -> dict:
    batch = db.session.scalar(
        select(Batch)
        .where(Batch.id == stamp.batch_id)
        .options(
            selectinload(Batch.events).selectinload(TraceEvent.attachments),
            selectinload(Batch.areas).selectinload(GrowingArea.standards),
        )
    )
    product = db.session.scalar(
        select(Product)
        .where(Product.id == batch.product_id)
        .options(selectinload(Product.images), selectinload(Product.certificates))
    )
    return {"batch": batch, "product": product, "certificate": current_certificate(product)}


def _not_genuine(code: str):
    response = make_response(render_template("trace/not_genuine.html", code=code[:40]), 404)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/T/<code>")
@bp.get("/t/<code>")
@limiter.limit("30 per minute; 300 per day", deduct_when=_not_found_only)
def scan(code: str):
    """The stamp's public page; records the scan and gives a verdict. Forged codes get 404."""
    _canonical, stamp = _load_stamp(code)
    if stamp is None:
        return _not_genuine(code)
    token = request.cookies.get(DEVICE_COOKIE, "")
    if not (16 <= len(token) <= 64):
        token = new_device_token()
    result = record_scan(stamp, token)
    data = _stamp_page_data(stamp)
    today = today_in_vietnam()
    status = 410 if result.verdict == Verdict.VOIDED else 200
    response = make_response(
        render_template(
            "trace/scan.html",
            stamp=stamp,
            result=result,
            today=today,
            pin_form=PinForm(),
            report_form=ReportForm(),
            event_title=event_title,
            **data,
        ),
        status,
    )
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pin_key() -> str:
    return "pin:" + (request.view_args or {}).get("code", "").upper()[:40]


@bp.post("/t/<code>/pin")
@limiter.limit("10 per hour", key_func=_pin_key)
@limiter.limit("5 per minute; 30 per day")
def pin(code: str):
    """Check a scratch-off PIN: the first right entry marks the unit verified by a buyer."""
    canonical, stamp = _load_stamp(code)
    if stamp is None:
        return _not_genuine(code)
    form = PinForm()
    if not form.validate_on_submit():
        flash(_("The PIN has 6 digits."), "error")
        return redirect(url_for("trace.scan", code=canonical.lower()) + "#pin", 303)
    outcome = check_pin(stamp, form.pin.data)
    if outcome == "verified":
        flash(_("PIN correct: this unit is now marked as verified by a buyer."), "success")
    elif outcome == "already":
        flash(
            _(
                "This PIN was already used on %(date)s. If you did not enter it, this unit "
                "may have been opened or copied.",
                date=stamp.verified_at.astimezone(UTC).date().strftime("%d/%m/%Y"),
            ),
            "warning",
        )
    else:
        flash(_("That PIN is not right for this stamp."), "error")
    return redirect(url_for("trace.scan", code=canonical.lower()) + "#pin", 303)


@bp.post("/t/<code>/report")
@limiter.limit("5 per hour; 20 per day")
def report(code: str):
    """A visitor's report about this stamp, into the office's queue."""
    canonical, stamp = _load_stamp(code)
    form = ReportForm()
    if not form.validate_on_submit():
        return render_error(400, _("Please say what is wrong in a few words."))
    file_report(
        stamp, canonical or code, form.kind.data, form.message.data, form.contact.data or ""
    )
    if stamp is None:
        return render_template("trace/reported.html", code=code[:40])
    flash(_("Thank you. The OCOP office has received your report."), "success")
    return redirect(url_for("trace.scan", code=canonical.lower()) + "#report", 303)


@bp.post("/t/not-genuine/report")
@limiter.limit("5 per hour; 20 per day")
def report_unknown():
    """A report about a code that is not a genuine stamp (no stamp to attach it to)."""
    form = ReportForm()
    if not form.validate_on_submit():
        return render_error(400, _("Please say what is wrong in a few words."))
    code = (request.form.get("code") or "")[:40]
    file_report(None, code, form.kind.data, form.message.data, form.contact.data or "")
    return render_template("trace/reported.html", code=code)


# GS1 Digital Link


@bp.get("/01/<gtin>")
@bp.get("/01/<gtin>/10/<lot>")
@bp.get("/01/<gtin>/21/<serial>")
@bp.get("/01/<gtin>/10/<lot>/21/<serial>")
def digital_link(gtin: str, lot: str | None = None, serial: str | None = None):
    """307 to the default page; a linkset (RFC 9264) on request; 400 for invalid identifiers."""
    try:
        link = gs1.parse(gtin, lot, serial)
    except gs1.InvalidIdentifier:
        return render_error(
            400, _("That is not a valid GS1 identifier (check the GTIN's last digit).")
        )
    variant = db.session.scalar(select(Variant).where(Variant.gtin == link.gtin))
    if variant is None:
        abort(404)
    product = variant.product
    batch = batch_for_lot(product, link.lot) if link.lot is not None else None
    if link.lot is not None and batch is None:
        abort(404)
    stamp = None
    if link.serial is not None:
        query = (
            select(Stamp)
            .join(Batch)
            .where(Batch.variant_id == variant.id, Stamp.serial == link.serial)
        )
        if batch is not None:
            query = query.where(Stamp.batch_id == batch.id)
        stamps = db.session.scalars(query.limit(2)).all()
        if len(stamps) != 1:  # a serial without its lot is only an answer when it is unique
            abort(404)
        stamp = stamps[0]
        batch = stamp.batch
    links = _links(product, batch, stamp)
    wanted = request.args.get("linkType")
    accept = request.accept_mimetypes
    if wanted in ("linkset", "all") or (
        wanted is None and accept[gs1.LINKSET_TYPE] > accept["text/html"]
    ):
        body = {"linkset": [{"anchor": _absolute(link.path), **links}]}
        response = jsonify(body)
        response.mimetype = gs1.LINKSET_TYPE
        return response
    if wanted is None:
        target = links[gs1.VOC + "defaultLink"][0]["href"]
    else:
        name = gs1.link_type_name(wanted)
        if name is None or gs1.VOC + name not in links:
            abort(404)
        target = links[gs1.VOC + name][0]["href"]
    response = redirect(target, 307)
    response.headers["Link"] = (
        f'<{_absolute(link.path)}?linkType=linkset>; rel="linkset"; type="{gs1.LINKSET_TYPE}"'
    )
    return response


def _absolute(path: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + path


def _links(product: Product, batch: Batch | None, stamp: Stamp | None) -> dict[str, list[dict]]:
    product_page = _absolute(url_for("catalog.product", slug=product.slug))
    pip = [
        {"href": product_page, "title": product.name_vi, "hreflang": ["vi"], "type": "text/html"}
    ]
    if product.name_en:
        pip.append(
            {
                "href": product_page + "?lang=en",
                "title": product.name_en,
                "hreflang": ["en"],
                "type": "text/html",
            }
        )
    links: dict[str, list[dict]] = {gs1.VOC + "pip": pip}
    default = product_page
    if stamp is not None:
        default = _absolute(url_for("trace.scan", code=stamp.code.lower()))
        links[gs1.VOC + "certificationInfo"] = [
            {"href": default, "title": "Tem truy xuất OCOP", "type": "text/html"}
        ]
    if batch is not None:
        epcis_url = _absolute(url_for("trace.batch_epcis", batch_id=batch.id))
        links[gs1.VOC + "traceability"] = [
            {"href": epcis_url, "title": "EPCIS 2.0", "type": "application/ld+json"}
        ]
        links[gs1.VOC + "epcis"] = links[gs1.VOC + "traceability"]
    links[gs1.VOC + "defaultLink"] = [{"href": default, "type": "text/html"}]
    return links


# EPCIS export


@bp.get("/api/v1/batches/<int:batch_id>/epcis")
def batch_epcis(batch_id: int):
    """The batch's events as an EPCIS 2.0 JSON-LD document."""
    # An id beyond the integer column cannot exist (and would overflow the database driver).
    batch = db.session.get(Batch, batch_id) if batch_id <= MAX_ID else None
    if batch is None:
        abort(404)
    response = jsonify(epcis.document(batch))
    response.mimetype = "application/ld+json"
    return response


@bp.get("/api/v1/stamps/<code>/epcis")
@limiter.limit("30 per minute", deduct_when=_not_found_only)
def stamp_epcis(code: str):
    """The stamp's batch events and the stamp's own commissioning, as EPCIS 2.0 JSON-LD."""
    _canonical, stamp = _load_stamp(code)
    if stamp is None:
        abort(404)
    response = jsonify(epcis.document(stamp.batch, stamp))
    response.mimetype = "application/ld+json"
    return response


def standard_name(standard: AreaStandard) -> str:
    return {"vietgap": "VietGAP", "globalgap": "GlobalG.A.P.", "organic": _("Organic")}[
        standard.scheme
    ]


@bp.context_processor
def _trace_helpers() -> dict:
    return {"standard_name": standard_name, "market_name": market_name}


@bp.app_template_filter("event_local_time")
def event_local_time(event: TraceEvent) -> str:
    """The event's time where it happened, with its UTC offset: "12 Jun 2025, 06:30 (UTC+07:00)"."""
    moment = event.event_time
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(parse_offset(event.tz_offset))
    pattern = "d MMM yyyy, HH:mm" if current_language() == "en" else "HH:mm, dd/MM/yyyy"
    text = babel_dates.format_datetime(
        local, pattern, tzinfo=local.tzinfo, locale=current_language()
    )
    return f"{text} (UTC{event.tz_offset})"


@bp.app_template_filter("hectares")
def hectares(area: GrowingArea) -> str:
    """The area in hectares with two decimals in the visitor's notation: 32,50 or 32.50."""
    return format_decimal(Decimal(area.hectares_x100) / 100, format="#,##0.00")


from . import backoffice  # noqa: E402,F401  (registers the dashboard and office pages on bp)
