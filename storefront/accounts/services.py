"""Account services: authentication, registration, invitations, password resets."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..catalog.models import Producer
from ..core.clock import utcnow
from ..core.errors import UserError
from ..core.services import queue_mail, record_change
from ..core.templating import absolute_url
from ..extensions import db
from .models import Role, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
RESET_MAX_AGE = 2 * 3600
INVITATION_MAX_AGE = 7 * 24 * 3600
# The most common passwords of at least ten characters; refused outright.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "qwertyuiop",
        "1q2w3e4r5t",
        "password123",
        "password1234",
        "matkhau123",
        "iloveyou123",
        "abcdefghij",
        "abc1234567",
        "qwerty1234",
        "1111111111",
        "0987654321",
        "anhyeuem123",
    }
)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def create_user(
    email: str, password: str | None, role: Role, name: str = "", producer_id: int | None = None
) -> User:
    """Add a user to the session (the caller commits)."""
    user = User(email=normalize_email(email), role=role, name=name, producer_id=producer_id)
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


def is_safe_next(target: str | None) -> bool:
    """Only local paths may be redirected to after login (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is too weak, or None: at least 10 characters, not common, not the email."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("That password is too easy to guess. Try a short sentence instead.")
    local = normalize_email(email).split("@")[0]
    if local and len(local) >= 4 and local in lowered:
        return _("Do not use your email address in your password.")
    return None


def register_customer(email: str, name: str, password: str) -> User:
    """Create a customer account. Raises UserError if the email is taken or the password weak."""
    if find_user(email) is not None:
        raise UserError(
            _("An account with this email already exists. Sign in or reset your password.")
        )
    problem = password_problem(password, email)
    if problem:
        raise UserError(problem)
    user = create_user(email, password, Role.CUSTOMER, name=name.strip())
    db.session.commit()
    return user


# Signed links. The payload carries a fingerprint of the password hash, so a link stops working
# as soon as it has been used to set a password (one use), and any older link dies with it.


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "h": _fingerprint(user)})


def user_for_token(token: str, purpose: str, max_age: int) -> User:
    """The user a signed link was made for. Raises UserError if expired, used or forged."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise UserError(_("This link has expired. Please ask for a new one."), 410) from None
    except BadSignature:
        raise UserError(_("This link is not valid. Please ask for a new one."), 404) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("h") != _fingerprint(user):
        raise UserError(_("This link has already been used. Please ask for a new one."), 410)
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset link for an active account with this email; silent when there is none."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = absolute_url(url_for("accounts.reset_password", token=make_token(user, "reset")))
    queue_mail(
        user.email,
        _("Reset your OCOP Bắc Giang password"),
        _(
            "Someone asked to reset the password of your account. If it was you, open this "
            "link within 2 hours to choose a new password:\n\n%(link)s\n\n"
            "If it was not you, ignore this message; your password stays the same.",
            link=link,
        ),
        kind="password_reset",
    )
    db.session.commit()


def set_password(user: User, password: str) -> None:
    """Set a new password (policy checked) and commit. Raises UserError if it is too weak."""
    problem = password_problem(password, user.email)
    if problem:
        raise UserError(problem)
    user.set_password(password)
    db.session.commit()


def invite_staff(actor: User, producer: Producer, email: str, name: str) -> User:
    """Create a producer staff account without a password and mail it an invitation link.

    Inviting a staff member again who has not yet accepted sends a fresh link. Raises UserError
    if the email belongs to anyone else.
    """
    user = find_user(email)
    if user is not None and not (user.producer_id == producer.id and user.password_hash is None):
        raise UserError(_("An account with this email already exists."))
    if user is None:
        user = create_user(email, None, Role.PRODUCER, name=name.strip(), producer_id=producer.id)
        db.session.flush()
        record_change(
            actor,
            "invite_staff",
            user,
            after={"email": user.email, "name": user.name},
            producer_id=producer.id,
        )
    link = absolute_url(url_for("accounts.accept_invitation", token=make_token(user, "invite")))
    queue_mail(
        user.email,
        _("You are invited to manage %(producer)s on OCOP Bắc Giang", producer=producer.name),
        _(
            "The OCOP office has invited you to keep the shop of %(producer)s up to date. "
            "Open this link within 7 days to choose your password:\n\n%(link)s",
            producer=producer.name,
            link=link,
        ),
        kind="invitation",
    )
    db.session.commit()
    return user
