"""User accounts and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..catalog.models import Producer
from ..core.clock import utcnow
from ..extensions import db


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    PRODUCER = "producer"
    OFFICE = "office"


class User(UserMixin, db.Model):
    """A person who signs in: a customer, a producer's staff member, or OCOP office staff."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('customer', 'producer', 'office')", name="role"),
        CheckConstraint(
            "(role = 'producer') = (producer_id IS NOT NULL)", name="producer_staff_has_producer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default=Role.CUSTOMER)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    producer: Mapped[Producer | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's default), salted per user."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    @property
    def is_producer_staff(self) -> bool:
        return self.role == Role.PRODUCER

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
