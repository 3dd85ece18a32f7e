"""Sign in and out, register, accept an invitation, reset a forgotten password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.errors import UserError
from ..extensions import db, limiter, login_manager
from .forms import ForgotPasswordForm, LoginForm, NewPasswordForm, RegisterForm
from .models import User
from .services import (
    INVITATION_MAX_AGE,
    RESET_MAX_AGE,
    authenticate,
    is_safe_next,
    register_customer,
    request_password_reset,
    set_password,
    user_for_token,
)

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    from ..core.errors import render_error, wants_json

    if wants_json():
        return render_error(401)
    # Only a page can be returned to: a form posted without a session cannot be replayed.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=target))


def _login_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _home_for(user: User) -> str:
    if user.is_office:
        return url_for("office.overview")
    if user.is_producer_staff:
        return url_for("dashboard.overview")
    return url_for("catalog.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"], key_func=_login_key)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            target = form.next.data
            return redirect(target if is_safe_next(target) else _home_for(user))
        flash(_("That email and password do not match an account."), "error")
        return render_template("accounts/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("catalog.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_customer(form.email.data, form.name.data, form.password.data)
        except UserError as error:
            form.password.errors = [*form.password.errors, error.message]
        else:
            login_user(user)
            flash(_("Welcome! Your account is ready."))
            return redirect(url_for("catalog.home"))
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash(
            _(
                "If an account uses that email, we have sent it a link to choose a new password. "
                "The link works for 2 hours."
            )
        )
        return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


def _choose_password(token: str, purpose: str, max_age: int, template: str, done: str):
    user = user_for_token(token, purpose, max_age)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except UserError as error:
            form.password.errors = [*form.password.errors, error.message]
        else:
            logout_user()
            login_user(user)
            flash(done)
            return redirect(_home_for(user))
    status = 400 if form.errors else 200
    return render_template(template, form=form, user=user), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    return _choose_password(
        token, "reset", RESET_MAX_AGE, "accounts/reset.html", _("Your new password is set.")
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation(token: str):
    return _choose_password(
        token,
        "invite",
        INVITATION_MAX_AGE,
        "accounts/invitation.html",
        _("Your password is set. Welcome to your shop's dashboard."),
    )
