"""What the checkout asks of events: event prices, booth pick-up, gift set lines, tour places.

The cart and orders code calls these; nothing here knows about carts or orders, so the checkout
stays the one place that opens and commits the buyer's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog.models import Product, Variant
from ..catalog.product_sets import TOURISM_SET
from ..catalog.services import is_sellable
from ..core.clock import as_utc
from ..core.errors import UserError
from ..core.i18n import localized
from ..extensions import db
from .models import Booth, GiftSet, TourismSlot
from .services import (
    SlotFull,
    component_shares,
    event_price,
    gift_set_stock,
    local_day,
    pickup_booth,
    reserve_capacity,
)


def event_price_rule(variant: Variant, quantity: int, at: datetime) -> int | None:
    """A price rule for the checkout: the event price at ``at``, or None when no event applies."""
    price, event = event_price(variant, at)
    return price if event is not None else None


def pickup_booths(producer_ids: Iterable[int], at: datetime) -> dict[int, Booth]:
    """Producers that can hand an order over at their booth at ``at``, with the booth."""
    booths = {pid: pickup_booth(pid, at) for pid in set(producer_ids)}
    return {pid: booth for pid, booth in booths.items() if booth is not None}


def pickup_label(booth: Booth) -> str:
    """Where an order is picked up, as the order keeps it: booth, event, venue, dates."""
    event = booth.event
    return (
        f"Gian {booth.number} · {event.name_vi} · {event.venue} · "
        f"{event.starts_on:%d/%m/%Y}–{event.ends_on:%d/%m/%Y}"
    )[:300]


@dataclass(frozen=True)
class GiftSetLine:
    """One component of ``sets`` gift sets: its units and its share of the set price.

    ``share`` is what one set pays for this component's ``units_per_set`` units, so the
    component's line totals (share × sets) across a set add up exactly to the set price.
    """

    gift_set: GiftSet
    variant: Variant
    sets: int
    units_per_set: int
    share: int

    @property
    def units(self) -> int:
        return self.sets * self.units_per_set

    @property
    def total(self) -> int:
        return self.share * self.sets


def gift_set_lines(gift_set_id: int, sets: int, today: date) -> list[GiftSetLine]:
    """The component lines of ``sets`` gift sets, checked against what the components allow.

    Raises UserError (409) when the set is gone or fewer than ``sets`` can be made today.
    """
    gift_set = db.session.scalar(
        select(GiftSet).where(GiftSet.id == gift_set_id).options(selectinload(GiftSet.components))
    )
    if gift_set is None or not gift_set.is_active:
        raise UserError(_("This gift set is no longer sold."), 409)
    available = gift_set_stock(gift_set, today)
    if available < sets:
        name = localized(gift_set, "name")
        if available == 0:
            raise UserError(_("%(name)s is sold out.", name=name), 409)
        raise UserError(_("Only %(n)s of %(name)s left.", n=available, name=name), 409)
    return [
        GiftSetLine(gift_set, variant, sets, quantity, share)
        for variant, quantity, share in component_shares(gift_set)
    ]


def stock_wanted(lines: Iterable[GiftSetLine]) -> dict[int, int]:
    """Units to take per variant id, to merge with the checkout's own (taken in id order)."""
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.variant.id] = wanted.get(line.variant.id, 0) + line.units
    return wanted


def bookable_slot(slot_id: int, places: int, at: datetime) -> TourismSlot:
    """A future slot of a sellable tourism product with ``places`` left; UserError otherwise.

    Sellable as any product: listed, its producer active, an OCOP certificate in force.
    """
    slot = db.session.get(TourismSlot, slot_id)
    if (
        slot is None
        or slot.product.product_set != TOURISM_SET
        or as_utc(slot.starts_at) <= at
        or db.session.scalar(
            select(Product.id).where(Product.id == slot.product_id, is_sellable(local_day(at)))
        )
        is None
    ):
        raise UserError(_("This date can no longer be booked."), 409)
    if slot.places_left < places:
        raise UserError(
            _("Only %(n)s places are left on this date.", n=slot.places_left)
            if slot.places_left
            else _("This date is fully booked."),
            409,
        )
    return slot


def book_places(wanted: dict[int, int]) -> None:
    """Book places on several slots in the caller's transaction, in ascending slot id.

    The fixed order means two checkouts booking the same slots cannot deadlock. Raises UserError
    (409) when a slot fills up meanwhile; the caller rolls back, so nothing is booked then.
    """
    for slot_id in sorted(wanted):
        try:
            reserve_capacity(slot_id, wanted[slot_id])
        except SlotFull:
            raise UserError(
                _("A date you chose filled up while you were checking out."), 409
            ) from None
