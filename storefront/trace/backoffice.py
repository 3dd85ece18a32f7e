"""Producer pages (/dashboard/…) and OCOP office pages (/office/…) for traceability."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..accounts.decorators import office_required, own_or_404, producer_required
from ..catalog.models import Product, Variant
from ..core.errors import UserError
from ..core.i18n import localized
from ..core.nav import add_menu_item
from ..extensions import db
from ..places.models import Place
from . import records
from .forms import (
    EXPORT_MARKETS,
    AreaForm,
    BatchForm,
    EventForm,
    ReasonForm,
    ReportUpdateForm,
    RunForm,
    StandardForm,
    VoidStampForm,
)
from .models import DOMESTIC, Batch, GrowingArea, ProblemReport, RunStatus, Stamp, StampRun
from .services import run_folder, start_run, update_report, void_run, void_stamp
from .views import bp

add_menu_item("dashboard", "trace.areas", _l("Growing areas"), order=40)
add_menu_item("dashboard", "trace.batches", _l("Batches and stamps"), order=41)
add_menu_item("office", "trace.office_batches", _l("Batches"), order=40)
add_menu_item("office", "trace.office_areas", _l("Growing areas"), order=41)
add_menu_item("office", "trace.office_reports", _l("Stamp reports"), order=42)


def _place_choices(era: str) -> list[SelectChoice]:
    places = db.session.scalars(
        select(Place).where(Place.era == era, Place.level == "commune").order_by(Place.name)
    )
    return [SelectChoice(0, "—")] + [SelectChoice(p.id, p.full_name) for p in places]


def _area_form(area: GrowingArea | None = None) -> AreaForm:
    form = AreaForm(obj=area)
    form.market.choices = [SelectChoice(DOMESTIC, _("Domestic"))] + [
        SelectChoice(code, records.market_name(code)) for code in EXPORT_MARKETS
    ]
    form.legacy_place_id.choices = _place_choices("legacy")
    form.current_place_id.choices = _place_choices("current")
    if area is not None and request.method == "GET":
        form.hectares.data = area.hectares
        form.legacy_place_id.data = area.legacy_place_id or 0
        form.current_place_id.data = area.current_place_id or 0
        form.location.data = _geojson_text(area.location)
    return form


def _geojson_text(location: dict | None) -> str:
    return json.dumps(location) if location else ""


def _save_area_from(form: AreaForm, area: GrowingArea) -> GrowingArea:
    values = {name: field.data for name, field in form._fields.items()}
    return records.save_area(area, values, current_user)


# Growing areas


@bp.get("/dashboard/growing-areas")
@producer_required
def areas():
    items = db.session.scalars(
        select(GrowingArea)
        .where(GrowingArea.producer_id == current_user.producer_id)
        .options(selectinload(GrowingArea.standards))
        .order_by(GrowingArea.code)
    ).all()
    return render_template("trace/areas.html", areas=items, area_scope="dashboard")


@bp.route("/dashboard/growing-areas/new", methods=["GET", "POST"])
@producer_required
def area_new():
    form = _area_form()
    if form.validate_on_submit():
        try:
            area = _save_area_from(form, GrowingArea(producer_id=current_user.producer_id))
        except UserError as error:
            flash(error.message, "error")
        else:
            flash(_("Growing area saved."), "success")
            return redirect(url_for("trace.area", area_id=area.id))
    status = 400 if request.method == "POST" else 200
    return render_template("trace/area_form.html", form=form, area_obj=None), status


@bp.route("/dashboard/growing-areas/<int:area_id>", methods=["GET", "POST"])
@producer_required
def area(area_id: int):
    item = own_or_404(GrowingArea, area_id)
    form = _area_form(item)
    if form.validate_on_submit():
        try:
            _save_area_from(form, item)
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Growing area saved."), "success")
            return redirect(url_for("trace.area", area_id=item.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "trace/area_form.html", form=form, area_obj=item, standard_form=StandardForm()
    ), status


@bp.post("/dashboard/growing-areas/<int:area_id>/standards")
@producer_required
def area_standard(area_id: int):
    item = own_or_404(GrowingArea, area_id)
    form = StandardForm()
    if not form.validate_on_submit():
        raise UserError(_("Fill in the standard, certificate number and validity dates."))
    records.add_standard(item, form.data, current_user)
    flash(_("Standard added."), "success")
    return redirect(url_for("trace.area", area_id=item.id))


# Batches


def _batch_form(batch: Batch | None = None) -> BatchForm:
    form = BatchForm(obj=batch)
    variants = db.session.scalars(
        select(Variant)
        .join(Product)
        .where(Product.producer_id == current_user.producer_id)
        .order_by(Product.name_vi, Variant.id)
    ).all()
    form.variant_id.choices = [
        SelectChoice(v.id, f"{localized(v.product, 'name')} – {localized(v, 'label')}")
        for v in variants
    ]
    own_areas = db.session.scalars(
        select(GrowingArea)
        .where(GrowingArea.producer_id == current_user.producer_id)
        .order_by(GrowingArea.code)
    ).all()
    form.area_ids.choices = [
        SelectChoice(a.id, f"{a.code} ({localized(a, 'crop')})") for a in own_areas
    ]
    if batch is not None and request.method == "GET":
        form.area_ids.data = [a.id for a in batch.areas]
    return form


@bp.get("/dashboard/batches")
@producer_required
def batches():
    items = db.session.scalars(
        select(Batch)
        .join(Product, Batch.product_id == Product.id)
        .where(Product.producer_id == current_user.producer_id)
        .order_by(Batch.produced_on.desc(), Batch.id.desc())
    ).all()
    return render_template("trace/batches.html", batches=items, area_scope="dashboard")


@bp.route("/dashboard/batches/new", methods=["GET", "POST"])
@producer_required
def batch_new():
    form = _batch_form()
    if form.validate_on_submit():
        try:
            batch = records.save_batch(Batch(), form.data, current_user.producer_id, current_user)
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Batch saved. Add its events, then print its stamps."), "success")
            return redirect(url_for("trace.batch", batch_id=batch.id))
    status = 400 if request.method == "POST" else 200
    return render_template("trace/batch_form.html", form=form, batch=None), status


def _event_form() -> EventForm:
    form = EventForm()
    form.kind.choices = [SelectChoice(k, label) for k, label in records.kind_choices()]
    return form


@bp.route("/dashboard/batches/<int:batch_id>", methods=["GET", "POST"])
@producer_required
def batch(batch_id: int):
    item = own_or_404(Batch, batch_id, owner="product.producer_id")
    form = _batch_form(item)
    if form.validate_on_submit():
        try:
            records.save_batch(item, form.data, current_user.producer_id, current_user)
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Batch saved."), "success")
            return redirect(url_for("trace.batch", batch_id=item.id))
    return _render_batch(item, form=form, status=400 if request.method == "POST" else 200)


def _render_batch(
    item: Batch,
    form: BatchForm | None = None,
    status: int = 200,
    office=False,
    event_form=None,
):
    runs = db.session.scalars(
        select(StampRun).where(StampRun.batch_id == item.id).order_by(StampRun.id.desc())
    ).all()
    return render_template(
        "trace/batch.html",
        batch=item,
        form=form,
        event_form=(event_form or _event_form()) if not office else None,
        run_form=RunForm() if not office else None,
        recall_form=ReasonForm() if not office else None,
        runs=runs,
        office=office,
        event_title=records.event_title,
    ), status


@bp.post("/dashboard/batches/<int:batch_id>/events")
@producer_required
def batch_event(batch_id: int):
    item = own_or_404(Batch, batch_id, owner="product.producer_id")
    form = _event_form()
    if not form.validate_on_submit():
        flash(_("Say what happened and when."), "error")
        return _render_batch(item, form=_batch_form(item), status=400, event_form=form)
    values = dict(form.data)
    values["photos"] = [f.read() for f in request.files.getlist(form.photos.name) if f.filename]
    report = request.files.get(form.report.name)
    values["pdfs"] = [report.read()] if report and report.filename else []
    records.add_event(item, values, current_user)
    flash(_("Event added to the timeline."), "success")
    return redirect(url_for("trace.batch", batch_id=item.id))


@bp.post("/dashboard/batches/<int:batch_id>/recall")
@producer_required
def batch_recall(batch_id: int):
    item = own_or_404(Batch, batch_id, owner="product.producer_id")
    form = ReasonForm()
    if not form.validate_on_submit():
        raise UserError(_("Say why the batch is recalled."))
    records.recall_batch(item, form.reason.data, current_user)
    flash(_("Batch recalled: every stamp of it now says so when scanned."), "warning")
    return redirect(url_for("trace.batch", batch_id=item.id))


# Stamp runs


@bp.post("/dashboard/batches/<int:batch_id>/stamp-runs")
@producer_required
def run_new(batch_id: int):
    item = own_or_404(Batch, batch_id, owner="product.producer_id")
    form = RunForm()
    if not form.validate_on_submit():
        raise UserError(_("Choose between 1 and 100,000 stamps and a sheet format."))
    run = start_run(item, form.count.data, form.layout.data, form.with_pin.data, current_user)
    return redirect(url_for("trace.run", run_id=run.id), 303)


@bp.get("/dashboard/stamp-runs/<int:run_id>")
@producer_required
def run(run_id: int):
    """The run's progress (the page refreshes itself until the sheet is ready)."""
    item = own_or_404(StampRun, run_id, owner="batch.product.producer_id")
    voided = db.session.scalar(
        select(func.count()).where(Stamp.run_id == item.id, Stamp.voided_at.is_not(None))
    )
    samples = db.session.scalars(
        select(Stamp).where(Stamp.run_id == item.id).order_by(Stamp.serial).limit(3)
    ).all()
    return render_template(
        "trace/run.html",
        run=item,
        samples=samples,
        voided=voided,
        void_form=ReasonForm(),
        stamp_form=VoidStampForm(),
        busy=item.status in (RunStatus.PENDING, RunStatus.RENDERING),
    )


@bp.get("/dashboard/stamp-runs/<int:run_id>/download")
@producer_required
def run_download(run_id: int):
    item = own_or_404(StampRun, run_id, owner="batch.product.producer_id")
    return _send_run_file(item, item.file_path)


@bp.get("/dashboard/stamp-runs/<int:run_id>/pins")
@producer_required
def run_pins(run_id: int):
    item = own_or_404(StampRun, run_id, owner="batch.product.producer_id")
    return _send_run_file(item, item.pins_path)


def _send_run_file(item: StampRun, name: str | None):
    if item.status != RunStatus.READY or not name:
        abort(404)
    path = run_folder() / name
    if not path.is_file():
        abort(404)
    suffix = path.suffix
    download = f"tem-{item.batch.lot_code}-{item.id}{'-pin' if 'pins' in name else ''}{suffix}"
    response = send_file(path, as_attachment=True, download_name=download, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/dashboard/stamp-runs/<int:run_id>/void")
@producer_required
def run_void(run_id: int):
    item = own_or_404(StampRun, run_id, owner="batch.product.producer_id")
    form = ReasonForm()
    if not form.validate_on_submit():
        raise UserError(_("Say why the run is voided (e.g. a lost roll)."))
    count = void_run(item, form.reason.data, current_user)
    flash(_("%(count)s stamps voided.", count=count), "warning")
    return redirect(url_for("trace.run", run_id=item.id))


@bp.post("/dashboard/stamp-runs/<int:run_id>/void-stamp")
@producer_required
def stamp_void(run_id: int):
    item = own_or_404(StampRun, run_id, owner="batch.product.producer_id")
    form = VoidStampForm()
    serial = (form.serial.data or "").strip().lstrip("#")
    stamp = db.session.scalar(
        select(Stamp).where(Stamp.run_id == item.id, Stamp.serial == serial.zfill(6))
    )
    if not form.validate_on_submit() or not serial.isdigit():
        raise UserError(_("Enter the serial number printed on the stamp."))
    if stamp is None:
        raise UserError(_("No stamp of this run has that serial."), 404)
    void_stamp(stamp, current_user)
    flash(_("Stamp #%(serial)s voided.", serial=stamp.serial), "warning")
    return redirect(url_for("trace.run", run_id=item.id))


# Office


@bp.get("/office/batches")
@office_required
def office_batches():
    items = db.session.scalars(
        select(Batch).order_by(Batch.produced_on.desc(), Batch.id.desc()).limit(500)
    ).all()
    return render_template("trace/batches.html", batches=items, area_scope="office")


@bp.get("/office/batches/<int:batch_id>")
@office_required
def office_batch(batch_id: int):
    item = db.get_or_404(Batch, batch_id)
    return _render_batch(item, office=True)


@bp.get("/office/growing-areas")
@office_required
def office_areas():
    items = db.session.scalars(
        select(GrowingArea).options(selectinload(GrowingArea.standards)).order_by(GrowingArea.code)
    ).all()
    return render_template("trace/areas.html", areas=items, area_scope="office")


@bp.get("/office/stamp-reports")
@office_required
def office_reports():
    wanted = request.args.get("status", "open")
    query = select(ProblemReport).order_by(ProblemReport.created_at.desc()).limit(500)
    if wanted == "open":
        query = query.where(ProblemReport.status != "closed")
    elif wanted in ("new", "investigating", "closed"):
        query = query.where(ProblemReport.status == wanted)
    return render_template(
        "trace/reports.html", reports=db.session.scalars(query).all(), wanted=wanted
    )


@bp.route("/office/stamp-reports/<int:report_id>", methods=["GET", "POST"])
@office_required
def office_report(report_id: int):
    item = db.get_or_404(ProblemReport, report_id)
    form = ReportUpdateForm(obj=item)
    if form.validate_on_submit():
        update_report(item, form.status.data, form.finding.data or "", current_user)
        flash(_("Report updated."), "success")
        return redirect(url_for("trace.office_report", report_id=item.id))
    return render_template("trace/report.html", report=item, form=form)
