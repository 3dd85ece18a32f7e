"""Places: 2024 provinces, districts and communes, and the 2025 two-level units that followed."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db

ERAS = ("legacy", "current")
LEVELS = ("province", "district", "commune")


class Place(db.Model):
    """An administrative unit (đơn vị hành chính) of one era.

    ``legacy`` units are the three-level units in force until 30 June 2025 (province, district,
    commune); ``current`` units are the two-level units from 1 July 2025 (province, commune).
    A legacy commune or province points at the current unit that took it over (``successor``).
    """

    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("era", "level", "code", name="era_level_code"),
        CheckConstraint("era IN ('legacy', 'current')", name="era"),
        CheckConstraint("level IN ('province', 'district', 'commune')", name="level"),
        Index("ix_places_search_key", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    era: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    search_key: Mapped[str] = mapped_column(String(240))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    parent: Mapped[Place | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], lazy="joined", join_depth=2
    )
    successor: Mapped[Place | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def full_name(self) -> str:
        """ "Xã Liên Chung, Huyện Tân Yên, Tỉnh Bắc Giang": the unit and its parents."""
        parts = [self.name]
        parent = self.parent
        while parent is not None:
            parts.append(parent.name)
            parent = parent.parent
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Place {self.era} {self.level} {self.name}>"


class AddressMixin:
    """An address kept as written when it was certified, plus its current two-level form.

    ``legacy_place`` is the most precise 2024 unit known (a commune, or a district when the record
    names no commune); ``current_place`` is the 2025 unit that now covers it (a commune, or the
    province when the commune is unknown). Neither is ever rewritten from the other at request time.
    """

    address_line: Mapped[str] = mapped_column(String(255), default="")
    address_as_written: Mapped[str] = mapped_column(String(255), default="")

    @declared_attr
    def legacy_place_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("places.id"), index=True)

    @declared_attr
    def current_place_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("places.id"), index=True)

    @declared_attr
    def legacy_place(cls) -> Mapped[Place | None]:
        return relationship(Place, foreign_keys=[cls.legacy_place_id], lazy="joined")

    @declared_attr
    def current_place(cls) -> Mapped[Place | None]:
        return relationship(Place, foreign_keys=[cls.current_place_id], lazy="joined")

    @property
    def address_now(self) -> str:
        """The address in today's two-level form, for delivery and maps."""
        parts = [self.address_line] if self.address_line else []
        if self.current_place is not None:
            parts.append(self.current_place.full_name)
        return ", ".join(parts)

    @property
    def address_then(self) -> str:
        """The address as certified (three-level 2024 form when that is how it was written)."""
        if self.address_as_written:
            return self.address_as_written
        parts = [self.address_line] if self.address_line else []
        if self.legacy_place is not None:
            parts.append(self.legacy_place.full_name)
        return ", ".join(parts)
