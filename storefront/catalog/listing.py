"""The listing index: one flat row per certificate window of a product, for fast browsing.

Browsing 10,000 products with facet counts needs a single narrow table to count over, not a join
of products, producers, certificates and variants per request. ``ProductListing`` holds, for every
certificate of a product, the days it lets the product be sold (``sellable_from`` to
``sellable_until``, cut short by revocation and by the next certificate) next to the product's
facets, so "sellable today" is a date comparison on one table and at most one row per product is in
force on any day.

The rows are derived data. They are rewritten in the same transaction, just before it commits,
for every product, variant, certificate or producer the ORM flushed a change to (see
``_refresh_before_commit``), so no other feature has to remember them. Stock is the exception:
``change_stock`` updates it with a plain UPDATE, so "in stock" is read live from the variants.
``flask catalog reindex`` rebuilds every row (after bulk imports that bypass the ORM).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from ..places.models import Place
from ..text import fold
from .models import Certificate, Producer, ProducerStatus, Product, Variant

CHUNK = 500
# Keys in Session.info for the products and producers changed since the last commit.
_TOUCHED = "catalog_listing_products"
_PRODUCERS = "catalog_listing_producers"


class ProductListing(db.Model):
    """A product as the catalog lists it while one of its certificates is in force."""

    __tablename__ = "product_listings"
    # No index on the window: counting facets scans the narrow table, which beats thousands of
    # index lookups; product_id serves the refresh and the in-stock test.
    __table_args__ = (
        Index("ix_product_listings_product", "product_id"),
        Index("ix_product_listings_indexed_at", "indexed_at"),
        # The sort orders, so a page of 24 is read in order instead of sorting them all.
        Index("ix_product_listings_by_stars", "stars", "product_id"),
        Index("ix_product_listings_by_price", "min_price", "product_id"),
        Index("ix_product_listings_by_date", "created_at", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    producer_id: Mapped[int] = mapped_column(Integer)
    # Listed by its producer and the producer active: the part of "sellable" that is not a date.
    is_active: Mapped[bool] = mapped_column(Boolean)
    sellable_from: Mapped[date] = mapped_column(Date)
    sellable_until: Mapped[date] = mapped_column(Date)
    stars: Mapped[int] = mapped_column(Integer)
    product_set: Mapped[int] = mapped_column(Integer)
    producer_kind: Mapped[str] = mapped_column(String(20))
    legacy_place_id: Mapped[int | None] = mapped_column(Integer)
    # The 2024 district the product was certified in, and the 2024 province above it.
    district_id: Mapped[int | None] = mapped_column(Integer)
    legacy_province_id: Mapped[int | None] = mapped_column(Integer)
    current_place_id: Mapped[int | None] = mapped_column(Integer)
    current_province_id: Mapped[int | None] = mapped_column(Integer)
    min_price: Mapped[int | None] = mapped_column(BigInteger)
    name_folded: Mapped[str] = mapped_column(String(255))
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the row was written: with the row count, a stamp that changes on every write.
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def windows(certificates: Sequence[tuple[int, int, date, date, date | None]]) -> list[tuple]:
    """(certificate id, stars, first day, last day) during which each certificate lets a sale.

    ``certificates`` are (id, stars, decision_date, valid_until, revoked_on) in decision order.
    A revoked certificate ends the day before its revocation; an earlier certificate ends the day
    before a later one takes over, so windows never overlap. Empty windows are dropped.
    """
    spans = []
    for cid, stars, decided, valid_until, revoked_on in certificates:
        last = valid_until
        if revoked_on is not None:
            last = min(last, revoked_on - timedelta(days=1))
        spans.append([cid, stars, decided, last])
    spans = [s for s in spans if s[2] <= s[3]]
    for current, following in pairwise(spans):
        current[3] = min(current[3], following[2] - timedelta(days=1))
    return [tuple(s) for s in spans if s[2] <= s[3]]


class _Places:
    """The places a listing row refers to, read once per refresh."""

    def __init__(self, connection: Connection):
        rows = connection.execute(
            select(Place.id, Place.era, Place.level, Place.parent_id, Place.name)
        ).all()
        self.by_id = {r.id: r for r in rows}
        self.districts = sorted(
            ((fold(r.name), r.id) for r in rows if r.level == "district"),
            key=lambda d: -len(d[0]),
        )

    def up_to(self, place_id: int | None, level: str) -> int | None:
        place = self.by_id.get(place_id) if place_id is not None else None
        while place is not None and place.level != level:
            place = self.by_id.get(place.parent_id) if place.parent_id else None
        return place.id if place is not None else None

    def certified_district(self, as_written: str, legacy_place_id: int | None) -> int | None:
        """The district named in the address as certified, else the one in the places tree.

        Communes that moved to thị xã Chũ in late 2024 were certified as "huyện Lục Ngạn"; the
        address as written keeps that, so the product is found under Lục Ngạn.
        """
        folded = fold(as_written)
        for name, place_id in self.districts:
            if name and name in folded:
                return place_id
        return self.up_to(legacy_place_id, "district")


def refresh_listings(connection: Connection, product_ids: Iterable[int]) -> None:
    """Rewrite the listing rows of these products from the current database state."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    places = _Places(connection)
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(connection, places, ids[start : start + CHUNK])


def _refresh_chunk(connection: Connection, places: _Places, ids: list[int]) -> None:
    connection.execute(delete(ProductListing).where(ProductListing.product_id.in_(ids)))
    products = connection.execute(
        select(
            Product.id,
            Product.producer_id,
            Product.product_set,
            Product.is_listed,
            Product.legacy_place_id,
            Product.current_place_id,
            Product.address_as_written,
            Product.name_vi,
            Product.search_text,
            Product.created_at,
            Producer.kind,
            Producer.status,
        )
        .join(Producer, Producer.id == Product.producer_id)
        .where(Product.id.in_(ids))
    ).all()
    prices = dict(
        connection.execute(
            select(Variant.product_id, func.min(Variant.price))
            .where(Variant.product_id.in_(ids), Variant.is_active.is_(True))
            .group_by(Variant.product_id)
        ).all()
    )
    certificates: dict[int, list[tuple]] = {}
    for row in connection.execute(
        select(
            Certificate.product_id,
            Certificate.id,
            Certificate.stars,
            Certificate.decision_date,
            Certificate.valid_until,
            Certificate.revoked_on,
        )
        .where(Certificate.product_id.in_(ids))
        .order_by(Certificate.product_id, Certificate.decision_date, Certificate.id)
    ):
        certificates.setdefault(row[0], []).append(tuple(row[1:]))
    rows = []
    now = datetime.now(UTC)
    for p in products:
        current_province = places.up_to(p.current_place_id, "province")
        facts = {
            "product_id": p.id,
            "producer_id": p.producer_id,
            "is_active": bool(p.is_listed) and p.status == ProducerStatus.ACTIVE,
            "product_set": p.product_set,
            "producer_kind": p.kind,
            "legacy_place_id": p.legacy_place_id,
            "district_id": places.certified_district(p.address_as_written, p.legacy_place_id),
            "legacy_province_id": places.up_to(p.legacy_place_id, "province"),
            "current_place_id": p.current_place_id,
            "current_province_id": current_province,
            "min_price": prices.get(p.id),
            "name_folded": fold(p.name_vi)[:255],
            "search_text": p.search_text or fold(p.name_vi),
            "created_at": p.created_at,
            "indexed_at": now,
        }
        for cid, stars, first, last in windows(certificates.get(p.id, [])):
            rows.append(
                {
                    **facts,
                    "certificate_id": cid,
                    "stars": stars,
                    "sellable_from": first,
                    "sellable_until": last,
                }
            )
    if rows:
        connection.execute(insert(ProductListing), rows)


def reindex_all() -> int:
    """Rebuild every listing row; returns the number of products."""
    ids = db.session.scalars(select(Product.id)).all()
    connection = db.session.connection()
    connection.execute(delete(ProductListing))
    refresh_listings(connection, ids)
    db.session.commit()
    return len(ids)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: object) -> None:
    """Remember which products this flush touched; their rows are rewritten before commit."""
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    producers: set[int] = session.info.setdefault(_PRODUCERS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Product):
            if obj.id is not None:
                touched.add(obj.id)
        elif isinstance(obj, Variant | Certificate):
            if obj.product_id is not None:
                touched.add(obj.product_id)
        elif isinstance(obj, Producer) and obj.id is not None:
            producers.add(obj.id)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    """Rewrite the listing rows of every product changed in this transaction, inside it.

    Once per commit rather than per flush: loading the demo flushes hundreds of times.
    """
    session.flush()
    touched: set[int] = session.info.pop(_TOUCHED, set())
    producers: set[int] = session.info.pop(_PRODUCERS, set())
    if not touched and not producers:
        return
    connection = session.connection()
    if producers:
        touched.update(
            connection.execute(
                select(Product.id).where(Product.producer_id.in_(producers))
            ).scalars()
        )
    refresh_listings(connection, touched)
