"""The producers' back office: overview, shop profile, products, photos and variants.

Every page is for producer staff only, and every object is looked up within
``current_user.producer_id``: another producer's ids answer 404.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.decorators import own_or_404, producer_required
from ..catalog.models import EXPIRING_WITHIN_DAYS, CertificateStatus, Product
from ..catalog.services import current_certificate
from ..core.clock import today_in_vietnam
from ..core.errors import UserError
from ..core.nav import add_menu_item
from ..extensions import db
from . import services
from .forms import ActionForm, PhotoForm, ProductForm, ProfileForm, VariantForm

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

add_menu_item("dashboard", "dashboard.overview", _l("Overview"), order=10)
add_menu_item("dashboard", "dashboard.products", _l("Products"), order=20)
add_menu_item("dashboard", "dashboard.profile", _l("Shop profile"), order=30)


@bp.before_request
@producer_required
def _producer_staff_only():
    return None


def _producer():
    return current_user.producer


def _products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == current_user.producer_id)
            .options(
                selectinload(Product.certificates),
                selectinload(Product.variants),
                selectinload(Product.images),
            )
            .order_by(Product.name_vi)
        )
    )


@bp.get("/")
def overview():
    today = today_in_vietnam()
    rows = []
    for product in _products():
        certificate = current_certificate(product, today)
        status = certificate.status(today) if certificate else None
        rows.append((product, certificate, status))
    attention = [r for r in rows if r[2] != CertificateStatus.VALID]
    return render_template(
        "dashboard/overview.html",
        producer=_producer(),
        rows=rows,
        attention=attention,
        today=today,
        warn_days=EXPIRING_WITHIN_DAYS,
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    producer = _producer()
    form = ProfileForm(obj=producer)
    if form.validate_on_submit():
        upload = request.files.get("logo")
        logo = upload.read() if upload and upload.filename else None
        try:
            services.update_profile(current_user, producer, form.data, logo)
        except UserError as error:
            form.logo.errors = [error.message]
        else:
            flash(_("Your shop profile is saved."))
            return redirect(url_for("dashboard.profile"))
    status = 400 if form.errors else 200
    return render_template("dashboard/profile.html", form=form, producer=producer), status


@bp.get("/products")
def products():
    today = today_in_vietnam()
    rows = [(p, current_certificate(p, today)) for p in _products()]
    return render_template("dashboard/products.html", rows=rows, today=today)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = services.save_product(current_user, _producer(), None, form.data)
        except UserError as error:
            form.slug.errors = [error.message]
        else:
            flash(_("Product created. Add a pack with its price, and photos."))
            return redirect(url_for("dashboard.edit_product", product_id=product.id))
    status = 400 if form.errors else 200
    return render_template("dashboard/product_new.html", form=form), status


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = own_or_404(Product, product_id)
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        try:
            services.save_product(current_user, _producer(), product, form.data)
        except UserError as error:
            db.session.rollback()
            form.slug.errors = [error.message]
        else:
            flash(_("Product saved."))
            return redirect(url_for("dashboard.edit_product", product_id=product.id))
    return _product_page(product, form, status=400 if form.errors else 200)


def _product_page(product: Product, form: ProductForm, status: int = 200, photo_form=None):
    today = today_in_vietnam()
    return (
        render_template(
            "dashboard/product.html",
            product=product,
            form=form,
            photo_form=photo_form or PhotoForm(),
            action_form=ActionForm(),
            certificate=current_certificate(product, today),
            can_be_listed=services.can_be_listed(product, today),
            today=today,
        ),
        status,
    )


@bp.post("/products/<int:product_id>/listing")
def listing(product_id: int):
    product = own_or_404(Product, product_id)
    if ActionForm().validate_on_submit():
        listed = request.form.get("listed") == "1"
        services.set_listing(current_user, product, listed)
        flash(_("The product is listed in the shop.") if listed else _("The product is hidden."))
    return redirect(url_for("dashboard.edit_product", product_id=product.id))


@bp.post("/products/<int:product_id>/photos")
def add_photo(product_id: int):
    product = own_or_404(Product, product_id)
    form = PhotoForm()
    if form.validate_on_submit():
        upload = request.files.get("photo")
        try:
            services.add_photo(current_user, product, upload.read() if upload else b"")
        except UserError as error:
            form.photo.errors = [error.message]
            return _product_page(product, ProductForm(obj=product), error.code, form)
        flash(_("Photo added."))
    return redirect(url_for("dashboard.edit_product", product_id=product.id) + "#photos")


@bp.post("/products/<int:product_id>/photos/<int:image_id>/delete")
def delete_photo(product_id: int, image_id: int):
    image = services.own_image(product_id, image_id)
    if ActionForm().validate_on_submit():
        services.delete_photo(current_user, image)
        flash(_("Photo removed."))
    return redirect(url_for("dashboard.edit_product", product_id=product_id) + "#photos")


@bp.route("/products/<int:product_id>/variants/new", methods=["GET", "POST"])
def new_variant(product_id: int):
    product = own_or_404(Product, product_id)
    form = VariantForm()
    return _variant_page(product, None, form)


@bp.route("/products/<int:product_id>/variants/<int:variant_id>", methods=["GET", "POST"])
def edit_variant(product_id: int, variant_id: int):
    variant = services.own_variant(product_id, variant_id)
    form = VariantForm(obj=variant)
    return _variant_page(variant.product, variant, form)


def _variant_page(product: Product, variant, form: VariantForm):
    if form.validate_on_submit():
        try:
            services.save_variant(current_user, product, variant, form.data)
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_template(
                "dashboard/variant.html", product=product, variant=variant, form=form
            ), error.code
        flash(_("Pack saved."))
        return redirect(url_for("dashboard.edit_product", product_id=product.id) + "#variants")
    status = 400 if form.errors else 200
    return render_template(
        "dashboard/variant.html", product=product, variant=variant, form=form
    ), status
