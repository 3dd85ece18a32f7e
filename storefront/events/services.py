"""Event prices, booth pick-up, gift set stock and price sharing, tourism capacity, visits."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..catalog.models import Product, Variant
from ..catalog.product_sets import TOURISM_SET
from ..catalog.services import is_sellable
from ..core.clock import LOCAL_TZ, local_day, today_in_vietnam, utcnow
from ..core.errors import UserError
from ..core.services import record_change
from ..extensions import db
from ..text import slugify
from .models import (
    Booth,
    Event,
    EventDailyVisit,
    EventParticipant,
    EventPrice,
    FeaturedProduct,
    GiftSet,
    GiftSetComponent,
    ParticipationStatus,
    TourismSlot,
)

# Event prices


def discounted(price: int, percent: int) -> int:
    """``price`` less ``percent`` %, in whole đồng (the discount is rounded down)."""
    return price - price * percent // 100


def event_price(variant: Variant, at: datetime) -> tuple[int, Event | None]:
    """The price of ``variant`` at the instant ``at``, and the event that gives it, if any.

    An event price applies from the first to the last day of a published event, both included,
    counted in Asia/Ho_Chi_Minh. When events overlap, the lowest price wins.
    """
    day = local_day(at)
    events = db.session.scalars(
        select(Event)
        .join(EventPrice, EventPrice.event_id == Event.id)
        .where(
            EventPrice.product_id == variant.product_id,
            Event.is_published.is_(True),
            Event.discount_percent > 0,
            Event.starts_on <= day,
            Event.ends_on >= day,
        )
        .order_by(Event.discount_percent.desc(), Event.id)
    ).all()
    if not events:
        return variant.price, None
    best = events[0]
    return discounted(variant.price, best.discount_percent), best


def pickup_booth(producer_id: int, at: datetime) -> Booth | None:
    """The producer's booth at a published event running at ``at`` (for "pick up at the booth")."""
    day = local_day(at)
    return db.session.scalar(
        select(Booth)
        .join(Event, Event.id == Booth.event_id)
        .where(
            Booth.producer_id == producer_id,
            Event.is_published.is_(True),
            Event.is_online.is_(False),
            Event.starts_on <= day,
            Event.ends_on >= day,
        )
        .order_by(Event.starts_on, Booth.id)
        .limit(1)
    )


# Gift sets


def share_price(total: int, weights: Sequence[int]) -> list[int]:
    """Share ``total`` đồng across ``weights`` in proportion, in whole đồng adding up to ``total``.

    Largest-remainder method: each share is first rounded down, then the đồng left over go one
    each to the shares with the largest remainders (the earlier share first on a tie). With all
    weights zero the total is shared equally. Raises ValueError for negative input or no weights.
    """
    if total < 0 or not weights or any(w < 0 for w in weights):
        raise ValueError("need a non-negative total and non-negative weights")
    weights = list(weights)
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    left = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares


def component_shares(gift_set: GiftSet) -> list[tuple[Variant, int, int]]:
    """(variant, quantity, share of the set price for that line) for each component."""
    components = gift_set.components
    shares = share_price(gift_set.price, [c.variant.price * c.quantity for c in components])
    return [(c.variant, c.quantity, s) for c, s in zip(components, shares, strict=True)]


def gift_set_stock(gift_set: GiftSet, today: date | None = None) -> int:
    """How many sets the components' stock allows; 0 if any component may not be sold."""
    if not gift_set.is_active or not gift_set.components:
        return 0
    today = today or today_in_vietnam()
    product_ids = {c.variant.product_id for c in gift_set.components}
    sellable = set(
        db.session.scalars(
            select(Product.id).where(Product.id.in_(product_ids), is_sellable(today))
        )
    )
    if sellable != product_ids or not all(c.variant.is_active for c in gift_set.components):
        return 0
    return min(c.variant.stock // c.quantity for c in gift_set.components)


def gift_set_producers(gift_set: GiftSet) -> list:
    """The producers whose products are in the set, in order of first appearance."""
    seen: dict[int, object] = {}
    for component in gift_set.components:
        producer = component.variant.product.producer
        seen.setdefault(producer.id, producer)
    return list(seen.values())


# Tourism capacity


class SlotFull(Exception):
    """Raised when a slot has fewer places left than asked for; nothing was changed."""

    def __init__(self, slot_id: int, wanted: int):
        super().__init__(f"tourism slot {slot_id}: not enough places for {wanted}")
        self.slot_id = slot_id
        self.wanted = wanted


def reserve_capacity(slot_id: int, places: int) -> None:
    """Book ``places`` on a tourism slot inside the caller's transaction.

    The same guard as catalog.stock.change_stock: a conditional UPDATE (``booked + n <=
    capacity``) that PostgreSQL's row lock serialises, with the CHECK constraint as a last line.
    Raises SlotFull (nothing changed) and ValueError for a non-positive count.
    """
    if places < 1:
        raise ValueError("book at least one place")
    result = db.session.execute(
        update(TourismSlot)
        .where(TourismSlot.id == slot_id, TourismSlot.booked + places <= TourismSlot.capacity)
        .values(booked=TourismSlot.booked + places)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise SlotFull(slot_id, places)


def release_capacity(slot_id: int, places: int) -> None:
    """Give back ``places`` of a cancelled booking, inside the caller's transaction."""
    if places < 1:
        raise ValueError("release at least one place")
    result = db.session.execute(
        update(TourismSlot)
        .where(TourismSlot.id == slot_id, TourismSlot.booked >= places)
        .values(booked=TourismSlot.booked - places)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ValueError(f"tourism slot {slot_id} has fewer than {places} places booked")


def upcoming_slots(product_id: int, now: datetime | None = None) -> list[TourismSlot]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(TourismSlot)
            .where(TourismSlot.product_id == product_id, TourismSlot.starts_at >= now)
            .order_by(TourismSlot.starts_at)
            .limit(30)
        )
    )


# Visits and the report


def record_visit(event_id: int, day: date) -> None:
    """Count one view of an event page on ``day``: an UPSERT of that day's counter, committed."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(EventDailyVisit).values(event_id=event_id, day=day, visits=1)
    statement = statement.on_conflict_do_update(
        index_elements=["event_id", "day"],
        set_={"visits": EventDailyVisit.visits + 1},
    )
    db.session.execute(statement)
    db.session.commit()


# Orders and revenue per producer over the event's dates: set by the orders feature when it is
# merged, as a function (first_day, last_day) -> {producer_id: (order count, revenue in đồng)}.
order_totals: Callable[[date, date], dict[int, tuple[int, int]]] | None = None


def scans_by_producer(first_day: date, last_day: date) -> dict[int, int]:
    """Stamp scans of each producer's products over the dates (Vietnam time, both days included)."""
    from ..trace.models import Batch, Stamp, StampScan

    start = datetime.combine(first_day, time.min, LOCAL_TZ)
    end = datetime.combine(last_day + timedelta(days=1), time.min, LOCAL_TZ)
    rows = db.session.execute(
        select(Product.producer_id, func.count(StampScan.id))
        .join(Stamp, StampScan.stamp_id == Stamp.id)
        .join(Batch, Stamp.batch_id == Batch.id)
        .join(Product, Batch.product_id == Product.id)
        .where(StampScan.scanned_at >= start, StampScan.scanned_at < end)
        .group_by(Product.producer_id)
    )
    return {producer_id: count for producer_id, count in rows}


def event_report(event: Event) -> dict:
    """Visits per day, scans, and orders and revenue per producer over the event's dates."""
    visits = db.session.scalars(
        select(EventDailyVisit)
        .where(EventDailyVisit.event_id == event.id)
        .order_by(EventDailyVisit.day)
    ).all()
    producers = [p for p in event.participants if p.status == ParticipationStatus.ACCEPTED]
    totals = order_totals(event.starts_on, event.ends_on) if order_totals else None
    scans = scans_by_producer(event.starts_on, event.ends_on)
    rows = []
    for participant in producers:
        orders, revenue = (totals or {}).get(participant.producer_id, (0, 0))
        rows.append((participant.producer, scans.get(participant.producer_id, 0), orders, revenue))
    return {
        "visits": [(v.day, v.visits) for v in visits],
        "visits_total": sum(v.visits for v in visits),
        "scans": sum(row[1] for row in rows),
        "orders_connected": totals is not None,
        "producers": rows,
    }


# Office and producer actions (each commits)


def invite_producers(actor, event: Event, producer_ids: Sequence[int]) -> int:
    """Invite producers not yet invited; returns how many were added."""
    known = {p.producer_id for p in event.participants}
    added = 0
    for producer_id in producer_ids:
        if producer_id in known:
            continue
        event.participants.append(EventParticipant(producer_id=producer_id))
        known.add(producer_id)
        added += 1
    record_change(actor, "event.invite", event, after={"producers": str(list(producer_ids))})
    db.session.commit()
    return added


def assign_booth(
    actor, event: Event, *, number: str, producer_id: int | None, x: int, y: int, w: int, h: int
) -> Booth:
    """Place a booth (replacing the one with that number); UserError if it overlaps another."""
    if producer_id is not None and producer_id not in {p.producer_id for p in event.participants}:
        raise UserError(_("Invite the producer to the event before giving them a booth."))
    booth = next((b for b in event.booths if b.number == number), None)
    for other in event.booths:
        if other is booth:
            continue
        if x < other.x + other.w and other.x < x + w and y < other.y + other.h and other.y < y + h:
            raise UserError(_("That booth overlaps booth %(number)s.", number=other.number))
    if booth is None:
        booth = Booth(number=number, x=x, y=y, w=w, h=h)
        event.booths.append(booth)
    booth.producer_id, booth.x, booth.y, booth.w, booth.h = producer_id, x, y, w, h
    record_change(actor, "event.booth", event, after={"number": number, "producer": producer_id})
    db.session.commit()
    return booth


def respond_to_invitation(actor, participant: EventParticipant, accept: bool) -> None:
    participant.status = ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED
    participant.responded_at = utcnow()
    record_change(actor, "event.respond", participant, after={"status": participant.status})
    db.session.commit()


def set_featured_products(actor, participant: EventParticipant, product_ids: Sequence[int]) -> None:
    """Replace the participant's featured products with its producer's own ``product_ids``."""
    own = set(
        db.session.scalars(
            select(Product.id).where(
                Product.producer_id == participant.producer_id, Product.id.in_(product_ids)
            )
        )
    )
    if own != set(product_ids):
        raise UserError(_("Choose only your own products."))
    participant.featured = [FeaturedProduct(product_id=pid) for pid in sorted(own)]
    record_change(actor, "event.featured", participant, after={"products": str(sorted(own))})
    db.session.commit()


def set_event_prices(actor, event: Event, percent: int, product_ids: Sequence[int]) -> None:
    """Set the event's discount and the products it applies to."""
    event.discount_percent = percent
    event.prices = [EventPrice(product_id=pid) for pid in sorted(set(product_ids))]
    record_change(actor, "event.prices", event, after={"percent": percent})
    db.session.commit()


def add_slot(
    actor, product: Product, starts_at: datetime, capacity: int, label_vi: str, label_en: str
) -> TourismSlot:
    """Open a dated slot on a tourism product; UserError if one starts at the same time."""
    if product.product_set != TOURISM_SET:
        raise UserError(_("Only tourism products have dates and places."))
    taken = db.session.scalar(
        select(TourismSlot.id).where(
            TourismSlot.product_id == product.id,
            TourismSlot.starts_at == starts_at.astimezone(UTC),
        )
    )
    if taken is not None:
        raise UserError(_("There is already a date at that time."), 409)
    slot = TourismSlot(
        product_id=product.id,
        starts_at=starts_at.astimezone(UTC),
        capacity=capacity,
        label_vi=label_vi.strip(),
        label_en=label_en.strip(),
    )
    db.session.add(slot)
    db.session.flush()
    record_change(
        actor, "tourism.slot", slot, after={"capacity": capacity}, producer_id=product.producer_id
    )
    db.session.commit()
    return slot


def remove_slot(actor, slot: TourismSlot) -> None:
    """Close a slot nobody has booked; UserError once places are booked."""
    if slot.booked:
        raise UserError(_("Places on this date are booked; it cannot be removed."), 409)
    record_change(actor, "tourism.slot_removed", slot, producer_id=slot.product.producer_id)
    db.session.delete(slot)
    db.session.commit()


COMPONENT_LINE = re.compile(
    r"^\s*(?P<sku>[A-Za-z0-9._-]{1,64})\s*(?:[×xX*]\s*(?P<qty>\d{1,3}))?\s*$"
)


def parse_components(text: str) -> list[tuple[str, int]]:
    """Lines of "SKU × quantity" (quantity 1 when left out); UserError names a bad line."""
    components: dict[str, int] = {}
    for raw in text.splitlines():
        if not raw.strip():
            continue
        match = COMPONENT_LINE.match(raw)
        quantity = int(match.group("qty") or 1) if match else 0
        if match is None or not 1 <= quantity <= 99:
            raise UserError(_("Cannot read this component line: %(line)s", line=raw.strip()[:80]))
        components[match.group("sku")] = components.get(match.group("sku"), 0) + quantity
    if not components:
        raise UserError(_("Add at least one component."))
    return list(components.items())


def create_gift_set(
    actor,
    *,
    name_vi: str,
    name_en: str,
    story_vi: str,
    story_en: str,
    price: int,
    components: list[tuple[str, int]],
    photo=None,
) -> GiftSet:
    """Create a gift set from (SKU, quantity) pairs; UserError for unknown SKUs."""
    variants = {
        v.sku: v
        for v in db.session.scalars(
            select(Variant).where(Variant.sku.in_([s for s, _q in components]))
        )
    }
    unknown = [sku for sku, _q in components if sku not in variants]
    if unknown:
        raise UserError(_("Unknown SKU: %(skus)s", skus=", ".join(unknown)))
    base = slugify(name_vi)[:150] or "goi-qua"
    slug, n = base, 1
    while db.session.scalar(select(GiftSet.id).where(GiftSet.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    gift_set = GiftSet(
        slug=slug,
        name_vi=name_vi.strip(),
        name_en=name_en.strip(),
        story_vi=story_vi.strip(),
        story_en=story_en.strip(),
        price=price,
        photo_path=photo.path if photo else None,
        photo_thumb_path=photo.thumb_path if photo else None,
    )
    gift_set.components = [
        GiftSetComponent(variant_id=variants[sku].id, quantity=quantity)
        for sku, quantity in components
    ]
    db.session.add(gift_set)
    db.session.flush()
    record_change(actor, "gift_set.create", gift_set, after={"price": price})
    db.session.commit()
    return gift_set
