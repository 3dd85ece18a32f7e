"""The one place stock changes."""

from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from .models import Variant


class OutOfStock(Exception):
    """Raised when taking more units than a variant has; nothing was changed."""

    def __init__(self, variant_id: int, wanted: int):
        super().__init__(f"variant {variant_id}: not enough stock for {wanted}")
        self.variant_id = variant_id
        self.wanted = wanted


def change_stock(variant_id: int, delta: int) -> None:
    """Add ``delta`` units (negative to take) to a variant's stock inside the caller's transaction.

    A conditional UPDATE (``stock + delta >= 0``) guards both SQLite and PostgreSQL: on PostgreSQL
    the row lock it takes serialises concurrent buyers, and the CHECK constraint is a last line.
    Callers that change several variants should do so in ascending id order so that concurrent
    transactions lock rows in the same order and cannot deadlock. Raises OutOfStock.
    """
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.stock + delta >= 0)
        .values(stock=Variant.stock + delta)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OutOfStock(variant_id, -delta)
