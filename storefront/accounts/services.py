"""Account services: authentication and creating accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select

from ..extensions import db
from .models import Role, User


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = datetime.now(UTC)
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
