"""The OCOP office's pages: producers, staff invitations, certificates, import, audit log."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.decorators import office_required
from ..accounts.models import User
from ..accounts.services import invite_staff
from ..catalog.models import Certificate, CertificateStatus, Producer, Product
from ..core.clock import today_in_vietnam
from ..core.errors import UserError
from ..core.models import AuditEntry
from ..core.nav import add_menu_item
from ..dashboard.forms import ActionForm
from ..extensions import db
from ..places.models import Place
from . import importer, services
from .forms import CertificateForm, ImportForm, InviteForm, ProducerForm, ReasonForm

bp = Blueprint("office", __name__, url_prefix="/office")

add_menu_item("office", "office.overview", _l("Overview"), order=10)
add_menu_item("office", "office.producers", _l("Producers"), order=20)
add_menu_item("office", "office.certificates", _l("Certificates"), order=30)
add_menu_item("office", "office.import_csv", _l("Import"), order=80)
add_menu_item("office", "office.audit", _l("Audit log"), order=90)


@bp.before_request
@office_required
def _office_staff_only():
    return None


@bp.get("/")
def overview():
    today = today_in_vietnam()
    certificates = db.session.scalars(select(Certificate)).all()
    latest: dict[int, Certificate] = {}
    for c in sorted(certificates, key=lambda c: c.decision_date):
        latest[c.product_id] = c
    counts = {s: 0 for s in CertificateStatus}
    for c in latest.values():
        counts[c.status(today)] += 1
    return render_template(
        "office/overview.html",
        producers=db.session.scalar(select(func.count(Producer.id))),
        suspended=db.session.scalar(
            select(func.count(Producer.id)).where(Producer.status == "suspended")
        ),
        products=db.session.scalar(select(func.count(Product.id))),
        counts=counts,
    )


@bp.get("/producers")
def producers():
    q = request.args.get("q", "")[:100]
    query = select(Producer).order_by(Producer.name)
    if q.strip():
        query = query.where(Producer.name.ilike(f"%{q.strip()}%"))
    return render_template("office/producers.html", producers=db.session.scalars(query).all(), q=q)


@bp.route("/producers/new", methods=["GET", "POST"])
def new_producer():
    form = ProducerForm()
    if form.validate_on_submit():
        try:
            producer = services.save_producer(current_user, None, form.data)
        except UserError as error:
            form.slug.errors = [error.message]
        else:
            flash(_("Producer created. Invite its staff so they can keep their shop."))
            return redirect(url_for("office.producer", producer_id=producer.id))
    status = 400 if form.errors else 200
    return render_template("office/producer_new.html", form=form), status


@bp.route("/producers/<int:producer_id>", methods=["GET", "POST"])
def producer(producer_id: int):
    item = db.get_or_404(Producer, producer_id)
    form = ProducerForm(obj=item)
    if form.validate_on_submit():
        try:
            services.save_producer(current_user, item, form.data)
        except UserError as error:
            db.session.rollback()
            form.slug.errors = [error.message]
        else:
            flash(_("Producer saved."))
            return redirect(url_for("office.producer", producer_id=item.id))
    return _producer_page(item, form=form, status=400 if form.errors else 200)


def _producer_page(item: Producer, *, form=None, invite_form=None, reason_form=None, status=200):
    staff = db.session.scalars(
        select(User).where(User.producer_id == item.id).order_by(User.email)
    ).all()
    products = db.session.scalars(
        select(Product)
        .where(Product.producer_id == item.id)
        .options(selectinload(Product.certificates))
        .order_by(Product.name_vi)
    ).all()
    return (
        render_template(
            "office/producer.html",
            producer=item,
            form=form or ProducerForm(obj=item),
            invite_form=invite_form or InviteForm(),
            reason_form=reason_form or ReasonForm(),
            staff=staff,
            products=products,
            today=today_in_vietnam(),
        ),
        status,
    )


@bp.post("/producers/<int:producer_id>/invite")
def invite(producer_id: int):
    item = db.get_or_404(Producer, producer_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invite_staff(current_user, item, form.email.data, form.name.data)
        except UserError as error:
            form.email.errors = [error.message]
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data))
            return redirect(url_for("office.producer", producer_id=item.id) + "#staff")
    return _producer_page(item, invite_form=form, status=400)


@bp.post("/producers/<int:producer_id>/suspend")
def suspend(producer_id: int):
    item = db.get_or_404(Producer, producer_id)
    form = ReasonForm()
    if form.validate_on_submit():
        services.suspend_producer(current_user, item, form.reason.data)
        flash(_("%(name)s is suspended: its products have left the catalog.", name=item.name))
        return redirect(url_for("office.producer", producer_id=item.id))
    return _producer_page(item, reason_form=form, status=400)


@bp.post("/producers/<int:producer_id>/reactivate")
def reactivate(producer_id: int):
    item = db.get_or_404(Producer, producer_id)
    if ActionForm().validate_on_submit():
        services.reactivate_producer(current_user, item)
        flash(_("%(name)s is active again.", name=item.name))
    return redirect(url_for("office.producer", producer_id=item.id))


def _certificate_filters() -> services.CertificateFilters:
    status = request.args.get("status", "")
    stars = request.args.get("stars", "")
    return services.CertificateFilters(
        status=status if status in services.STATUS_FILTERS else "",
        stars=int(stars) if stars in ("3", "4", "5") else None,
        place=request.args.get("place", "")[:100],
        q=request.args.get("q", "")[:100],
    )


@bp.get("/certificates")
def certificates():
    filters = _certificate_filters()
    today = today_in_vietnam()
    items = db.session.scalars(services.certificates_query(filters, today)).unique().all()
    places = db.session.scalars(
        select(Place.name)
        .where(Place.era == "legacy", Place.level == "district")
        .order_by(Place.name)
    ).all()
    return render_template(
        "office/certificates.html",
        certificates=items,
        filters=filters,
        places=places,
        today=today,
        status_filters=services.STATUS_FILTERS,
    )


@bp.get("/certificates.csv")
def certificates_csv():
    today = today_in_vietnam()
    items = (
        db.session.scalars(services.certificates_query(_certificate_filters(), today))
        .unique()
        .all()
    )
    return Response(
        services.certificates_csv(items, today),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ocop-certificates-{today}.csv"},
    )


def _all_products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.name_vi)))


@bp.route("/certificates/new", methods=["GET", "POST"])
def new_certificate():
    renews = request.args.get("product_id", type=int)
    form = CertificateForm(products=_all_products())
    if request.method == "GET" and renews:
        form.product_id.data = renews
    if form.validate_on_submit():
        product = db.get_or_404(Product, form.product_id.data)
        values = {**form.data, "decision_date": services.parse_date(form.decision_date.data)}
        try:
            services.record_certificate(current_user, product, values)
        except UserError as error:
            form.decision_number.errors = [error.message]
        else:
            flash(_("Decision recorded for %(product)s.", product=product.name_vi))
            return redirect(url_for("office.certificates", q=product.name_vi))
    status = 400 if form.errors else 200
    return render_template("office/certificate_new.html", form=form), status


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
def revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReasonForm()
    if form.validate_on_submit():
        services.revoke_certificate(current_user, certificate, form.reason.data)
        flash(
            _(
                "Certificate %(number)s is revoked: %(product)s has left the catalog.",
                number=certificate.decision_number,
                product=certificate.product.name_vi,
            )
        )
        return redirect(url_for("office.certificates"))
    status = 400 if form.errors else 200
    return render_template(
        "office/revoke.html", certificate=certificate, form=form, today=today_in_vietnam()
    ), status


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            if not data:
                raise UserError(_("Choose a CSV file to upload."))
            report = importer.import_csv(current_user, data)
        except UserError as error:
            form.file.errors = [error.message]
            status = error.code
        else:
            if report.saved:
                flash(_("Import finished."))
            else:
                status = 400
    elif form.errors:
        status = 400
    return render_template(
        "office/import.html",
        form=form,
        report=report,
        required=importer.REQUIRED_COLUMNS,
        optional=importer.OPTIONAL_COLUMNS,
    ), status


@bp.get("/audit")
def audit():
    args = request.args
    producer_id = args.get("producer_id", type=int)
    filters = services.AuditFilters(
        object_type=args.get("object_type", "")[:40],
        action=args.get("action", "")[:60],
        actor=args.get("actor", "")[:254],
        producer_id=producer_id,
        since=services.parse_date(args.get("since")),
        until=services.parse_date(args.get("until")),
    )
    page = max(args.get("page", 1, type=int), 1)
    rows = db.session.execute(
        services.audit_query(filters)
        .limit(services.PAGE_SIZE + 1)
        .offset((page - 1) * services.PAGE_SIZE)
    ).all()
    choices = {
        "object_types": db.session.scalars(
            select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
        ).all(),
        "actions": db.session.scalars(
            select(AuditEntry.action).distinct().order_by(AuditEntry.action)
        ).all(),
        "producers": db.session.execute(
            select(Producer.id, Producer.name).order_by(Producer.name)
        ).all(),
    }
    return render_template(
        "office/audit.html",
        rows=rows[: services.PAGE_SIZE],
        has_more=len(rows) > services.PAGE_SIZE,
        page=page,
        filters=filters,
        choices=choices,
    )
