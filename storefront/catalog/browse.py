"""Browsing the catalog: filters read from the query string, search, facet counts, pagination.

Every query runs on the listing index (``listing.ProductListing``: one flat row per certificate
window), so a page is a fixed handful of GROUP BY counts, one page of ids, and the page's products
loaded by id: the same number of queries for ten products and for ten thousand.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import (
    Integer,
    Row,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import defaultload, lazyload, selectinload
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..places.models import Place
from ..text import fold
from .listing import ProductListing
from .models import Certificate, Producer, ProducerKind, ProducerStatus, Product, Variant
from .product_sets import GROUPS, PRODUCT_SETS, sets_in_group

T = TypeVar("T")
PAGE_SIZE = 24
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_PRICE = 10**12
SORTS = ("relevance", "price_asc", "price_desc", "newest", "stars")
# Price shortcuts in the filter panel: (min, max) in whole đồng, None for open-ended.
PRICE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000),
    (100_000, 300_000),
    (300_000, 1_000_000),
    (1_000_000, None),
)
_TRUE = {"1", "true", "on", "yes"}


@dataclass
class Filters:
    """What the visitor asked for, cleaned; ``ignored`` lists values that made no sense."""

    q: str = ""
    terms: list[str] = field(default_factory=list)
    stars: set[int] = field(default_factory=set)
    group: str | None = None
    product_set: int | None = None
    place: Place | None = None
    producer: Producer | None = None
    kinds: set[str] = field(default_factory=set)
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: str = "relevance"
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (search or any filter)."""
        return bool(
            self.terms
            or self.stars
            or self.group
            or self.product_set
            or self.place
            or self.producer
            or self.kinds
            or self.min_price is not None
            or self.max_price is not None
            or self.in_stock
        )

    def query_args(self, **changes: object) -> dict[str, object]:
        """The cleaned query string as a dict for ``url_for``, with some values changed.

        ``product_set`` stands for the ``set`` argument (a word templates cannot use as a name).
        """
        args: dict[str, object] = {
            "q": self.q or None,
            "stars": sorted(self.stars) or None,
            "group": self.group,
            "product_set": self.product_set,
            "place": self.place.slug if self.place else None,
            "producer": self.producer.slug if self.producer else None,
            "kind": sorted(self.kinds) or None,
            "min_price": self.min_price,
            "max_price": self.max_price,
            "in_stock": 1 if self.in_stock else None,
            "sort": self.sort if self.sort != "relevance" else None,
            "page": self.page if self.page > 1 else None,
        }
        args.update(changes)
        args["set"] = args.pop("product_set")
        return {k: v for k, v in args.items() if v is not None and v != []}


def parse_filters(args: MultiDict[str, str]) -> Filters:
    """Read the listing's query string; malformed or unknown values are ignored and reported."""
    filters = Filters()

    def ignore(name: str, value: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        filters.ignored.append(f"{name}={shown}")

    raw_q = (args.get("q") or "")[:MAX_QUERY_LENGTH].strip()
    filters.q = raw_q
    filters.terms = search_terms(raw_q)

    for value in args.getlist("stars"):
        for part in value.split(","):
            if part.strip() in {"3", "4", "5"}:
                filters.stars.add(int(part))
            elif part.strip():
                ignore("stars", part)

    group = args.get("group", "").strip()
    if group in GROUPS:
        filters.group = group
    elif group:
        ignore("group", group)

    set_value = args.get("set", "").strip()
    if set_value.isdigit() and int(set_value) in PRODUCT_SETS:
        filters.product_set = int(set_value)
    elif set_value:
        ignore("set", set_value)

    place = args.get("place", "").strip()[:MAX_QUERY_LENGTH]
    if place:
        filters.place = find_place(place)
        if filters.place is None:
            ignore("place", place)

    producer = args.get("producer", "").strip()[:160]
    if producer:
        filters.producer = db.session.scalar(select(Producer).where(Producer.slug == producer))
        if filters.producer is None:
            ignore("producer", producer)

    kinds = {k.value for k in ProducerKind}
    for value in args.getlist("kind"):
        if value in kinds:
            filters.kinds.add(value)
        elif value:
            ignore("kind", value)

    for name in ("min_price", "max_price"):
        value = args.get(name, "").strip()
        if not value:
            continue
        digits = re.sub(r"[.,\s₫đ]", "", value)
        if digits.isdigit() and int(digits) <= MAX_PRICE:
            setattr(filters, name, int(digits))
        else:
            ignore(name, value)
    if (
        filters.min_price is not None
        and filters.max_price is not None
        and filters.min_price > filters.max_price
    ):
        filters.min_price, filters.max_price = filters.max_price, filters.min_price

    in_stock = args.get("in_stock", "").strip().lower()
    if in_stock in _TRUE:
        filters.in_stock = True
    elif in_stock and in_stock not in {"0", "false", "off", "no"}:
        ignore("in_stock", in_stock)

    sort = args.get("sort", "").strip()
    if sort in SORTS:
        filters.sort = sort
    elif sort:
        ignore("sort", sort)

    page = args.get("page", "").strip()
    if page.isdigit() and 1 <= int(page) <= 100_000:
        filters.page = int(page)
    elif page:
        ignore("page", page)
    return filters


def search_terms(query: str) -> list[str]:
    """Folded search words ("Vải  THIỀU" -> ["vai", "thieu"]), at most a few, no duplicates."""
    terms: list[str] = []
    for word in fold(query[:MAX_QUERY_LENGTH]).split():
        if word not in terms:
            terms.append(word[:60])
    return terms[:MAX_TERMS]


def escape_like(term: str) -> str:
    """Make ``%``, ``_`` and the escape character itself match literally in LIKE."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_place(value: str) -> Place | None:
    """A place by slug ("huyen-luc-ngan") or by name, with or without accents ("Lục Ngạn")."""
    place = db.session.scalar(select(Place).where(Place.slug == value))
    if place is not None:
        return place
    key = fold(value.replace("-", " "))
    if not key:
        return None
    candidates = db.session.scalars(
        select(Place)
        .where(Place.search_key.like(f"%{escape_like(key)}%", escape="\\"))
        .order_by(Place.era, Place.id)
        .limit(50)
    ).all()
    # An exact name beats a partial one. "Lục Ngạn" on a 2024 record means the old district; a
    # commune name means today's commune, which covers the 2024 commune of that name and more.
    rank = {"province": 0, "district": 1, "commune": 2}
    exact = [p for p in candidates if key in (fold(p.name), fold(p.short_name))]
    pool = exact or candidates
    return min(
        pool,
        key=lambda p: (rank[p.level], (p.era == "legacy") == (p.level == "commune"), p.id),
        default=None,
    )


L = ProductListing


def sellable_now(today: date) -> ColumnElement[bool]:
    """SQL on the listing index: the row's certificate is in force and the product on sale."""
    return and_(
        L.is_active.is_(True),
        L.sellable_from <= today,
        L.sellable_until >= today,
    )


def _in_stock(t=L) -> ColumnElement[bool]:
    # Read live: change_stock updates stock with a plain UPDATE the index does not see.
    return (
        select(Variant.id)
        .where(Variant.product_id == t.product_id, Variant.is_active.is_(True), Variant.stock > 0)
        .exists()
    )


def _place_condition(place: Place, t=L) -> ColumnElement[bool]:
    if place.era == "legacy":
        column = {
            "province": t.legacy_province_id,
            "district": t.district_id,
            "commune": t.legacy_place_id,
        }[place.level]
    else:
        column = t.current_province_id if place.level == "province" else t.current_place_id
    return column == place.id


def _word_matches(column, term: str) -> ColumnElement[bool]:
    # Words match from their start: "thieu" and "thi" find "thiều", "ong" does not find "hồng".
    pattern = escape_like(term)
    return or_(column.like(f"{pattern}%", escape="\\"), column.like(f"% {pattern}%", escape="\\"))


def _conditions(filters: Filters, t=L) -> dict[str, ColumnElement[bool]]:
    """One condition per facet; a facet's counts apply every condition but its own.

    ``t`` is the listing table or a subquery with its columns (the facet counts' CTE).
    """
    found: dict[str, ColumnElement[bool]] = {}
    if filters.stars:
        found["stars"] = t.stars.in_(sorted(filters.stars))
    if filters.group:
        found["group"] = t.product_set.in_(sets_in_group(filters.group))
    if filters.product_set:
        found["set"] = t.product_set == filters.product_set
    if filters.place is not None:
        found["place"] = _place_condition(filters.place, t)
    if filters.producer is not None:
        found["producer"] = t.producer_id == filters.producer.id
    if filters.kinds:
        found["kind"] = t.producer_kind.in_(sorted(filters.kinds))
    if filters.min_price is not None or filters.max_price is not None:
        found["price"] = t.min_price.between(
            filters.min_price or 0,
            filters.max_price if filters.max_price is not None else MAX_PRICE,
        )
    if filters.in_stock:
        # The facet counts' CTE carries the live test as a column, worked out once per row.
        found["in_stock"] = t.in_stock == 1 if t is not L else _in_stock()
    return found


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Listing:
    """A page of products with the facet counts and paging that go with it."""

    filters: Filters
    products: list[Product]
    total: int
    page: int
    pages: int
    stars: list[FacetValue]
    groups: list[FacetValue]
    sets: list[FacetValue]
    districts: list[FacetValue]
    communes: list[FacetValue]
    kinds: list[FacetValue]
    prices: list[tuple[int | None, int | None, int]]
    in_stock: int


class PageOutOfRange(Exception):
    """The visitor asked for a page past the end of the list."""

    def __init__(self, pages: int):
        super().__init__(pages)
        self.pages = pages


def _order(filters: Filters) -> list:
    sort = filters.sort
    if sort == "relevance" and not filters.terms:
        sort = "stars"
    if sort == "relevance":
        phrase = " ".join(filters.terms)
        in_name = sum(
            (case((_word_matches(L.name_folded, t), 1), else_=0) for t in filters.terms),
            start=literal(0),
        )
        return [
            case((_word_matches(L.name_folded, phrase), 0), else_=1),
            in_name.desc(),
            L.stars.desc(),
            L.product_id,
        ]
    return {
        "price_asc": [L.min_price.is_(None), L.min_price, L.product_id],
        "price_desc": [L.min_price.is_(None), L.min_price.desc(), L.product_id],
        "newest": [L.created_at.desc(), L.product_id.desc()],
        "stars": [L.stars.desc(), L.product_id],
    }[sort]


@dataclass(frozen=True)
class _Counts:
    """Facet counts for one set of filters (everything on a listing page but the products)."""

    together: bool
    stars: dict[int, int]
    sets: dict[int, int]
    kinds: dict[str, int]
    places: list[tuple[int | None, int | None, int]]
    prices: tuple[int, ...]
    in_stock: int
    total: int  # the products that pass every filter


# Facet counts keyed by the listing index's state, the day and the filters. Any write to the
# index changes its stamp, so a stale entry is never read; another instance simply computes its
# own. Only stock can lag (change_stock bypasses the index), so counts that involve it are
# recomputed at least every CACHE_SECONDS, and with the in-stock filter on the total that pages
# the list is always counted live.
CACHE_SECONDS = 60
CACHE_SIZE = 512
_cache: OrderedDict[tuple, object] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` (which must include the index stamp)."""
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]  # type: ignore[return-value]
    value = compute()
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def index_stamp() -> tuple:
    """Changes whenever a listing row is written or removed."""
    return tuple(db.session.execute(select(func.max(L.indexed_at), func.count(L.id))).one())


def _counts(filters: Filters, today: date) -> tuple[_Counts, bool]:
    """The facet counts, and whether they were counted just now rather than read from cache."""
    key = (
        "facets",
        index_stamp(),
        today,
        int(time.monotonic() // CACHE_SECONDS),
        tuple(filters.terms),
        tuple(sorted(filters.stars)),
        filters.group,
        filters.product_set,
        filters.place.id if filters.place is not None else None,
        filters.producer.id if filters.producer is not None else None,
        tuple(sorted(filters.kinds)),
        filters.min_price,
        filters.max_price,
        filters.in_stock,
    )
    fresh = []

    def compute() -> _Counts:
        fresh.append(True)
        return _count(filters, today)

    return _cached(key, compute), bool(fresh)


def _base(filters: Filters, today: date, together: bool) -> list[ColumnElement[bool]]:
    base = [sellable_now(today)]
    if filters.terms:
        phrase = " ".join(filters.terms)
        if together:
            base.append(_word_matches(L.search_text, phrase))
        else:
            base.extend(_word_matches(L.search_text, t) for t in filters.terms)
    return base


# The listing columns the facet counts read, copied once per count into a CTE.
_FACET_COLUMNS = (
    "product_id",
    "stars",
    "product_set",
    "producer_kind",
    "producer_id",
    "legacy_place_id",
    "district_id",
    "legacy_province_id",
    "current_place_id",
    "current_province_id",
    "min_price",
)


def _count(filters: Filters, today: date) -> _Counts:
    """Every facet count in one statement.

    The sellable rows that match the search are read once into a materialized CTE (the LIKE
    scan over the folded text is the costly part of a search), and each facet family is one
    GROUP BY or one row of SUM(CASE ...) over that CTE, applying every filter but its own.
    """
    together = False
    if len(filters.terms) > 1:
        # When the words also appear together somewhere ("dong bac" in "Đông Bắc"), those
        # products are what the visitor meant; otherwise any product with every word will do.
        phrase = _word_matches(L.search_text, " ".join(filters.terms))
        together = (
            db.session.scalar(select(L.id).where(sellable_now(today), phrase).limit(1)) is not None
        )
    m = (
        select(
            *(getattr(L, name) for name in _FACET_COLUMNS),
            case((_in_stock(), 1), else_=0).label("in_stock"),
        )
        .where(*_base(filters, today, together))
        .cte("matching")
        .prefix_with("MATERIALIZED")
    )
    t = m.c
    conditions = _conditions(filters, t)

    def where(*facets: str) -> list[ColumnElement[bool]]:
        return [c for name, c in conditions.items() if name not in facets]

    def count_if(*tests: ColumnElement[bool] | None):
        applied = [test for test in tests if test is not None]
        if not applied:
            return func.count()
        return func.sum(case((and_(*applied), 1), else_=0))

    def band(low: int | None, high: int | None) -> ColumnElement[bool]:
        return t.min_price.between(low or 0, high if high is not None else MAX_PRICE)

    none = cast(null(), Integer)
    text_none = cast(null(), String)
    # Every part yields (family, number, number, text, count); UNION ALL needs one shape.
    parts = [
        select(literal_column("'stars'"), t.stars, none, text_none, func.count())
        .where(*where("stars"))
        .group_by(t.stars),
        select(literal_column("'sets'"), t.product_set, none, text_none, func.count())
        .where(*where("set", "group"))
        .group_by(t.product_set),
        select(literal_column("'kind'"), none, none, t.producer_kind, func.count())
        .where(*where("kind"))
        .group_by(t.producer_kind),
        select(
            literal_column("'place'"), t.district_id, t.current_place_id, text_none, func.count()
        )
        .where(*where("place"))
        .group_by(t.district_id, t.current_place_id),
    ]
    # The price bands and the in-stock count: sums over the rows that pass the other filters.
    money = [count_if(band(lo, hi), conditions.get("in_stock")) for lo, hi in PRICE_BANDS]
    money.append(count_if(t.in_stock == 1, conditions.get("price")))
    # The rows that pass every filter: the total that pages the list.
    money.append(count_if(*conditions.values()))
    # Two sums per part (in the number columns) halves the scans of the CTE.
    for index in range(0, len(money), 2):
        parts.append(
            select(literal_column(f"'money{index}'"), *money[index : index + 2], text_none, none)
            .select_from(m)
            .where(*where("price", "in_stock"))
        )
    stars: dict[int, int] = {}
    sets: dict[int, int] = {}
    kinds: dict[str, int] = {}
    places: list[tuple[int | None, int | None, int]] = []
    sums = [0] * len(money)
    for family, first, second, text, n in db.session.execute(union_all(*parts)):
        if family == "stars":
            stars[first] = n
        elif family == "sets":
            sets[first] = n
        elif family == "kind":
            kinds[text] = n
        elif family == "place":
            places.append((first, second, n))
        else:
            index = int(family[5:])
            sums[index : index + 2] = [int(first or 0), int(second or 0)]
    return _Counts(
        together=together,
        stars=stars,
        sets=sets,
        kinds=kinds,
        places=places,
        prices=tuple(sums[:-2]),
        in_stock=sums[-2],
        total=sums[-1],
    )


def browse(filters: Filters, today: date, page_size: int = PAGE_SIZE) -> Listing:
    """Filter, count, sort and page the sellable products, in a fixed number of queries.

    Raises PageOutOfRange when ``filters.page`` is past the last page.
    """
    counted, fresh = _counts(filters, today)
    star_counts, kind_counts = counted.stars, counted.kinds
    base = _base(filters, today, counted.together)
    conditions = _conditions(filters)

    def where() -> list[ColumnElement[bool]]:
        return base + list(conditions.values())

    if filters.in_stock and not fresh:
        # Stock may have changed since these counts were cached: count the in-stock list live.
        total = db.session.scalar(select(func.count()).select_from(L).where(*where())) or 0
    else:
        total = counted.total
    group_counts: Counter[str] = Counter()
    set_counts: Counter[int] = Counter()
    for number, n in counted.sets.items():
        if not filters.product_set or number == filters.product_set:
            group_counts[PRODUCT_SETS[number].group.code] += n
        if not filters.group or PRODUCT_SETS[number].group.code == filters.group:
            set_counts[number] += n
    district_counts: Counter[int] = Counter()
    commune_counts: Counter[int] = Counter()
    for district, current, n in counted.places:
        if district is not None:
            district_counts[district] += n
        if current is not None:
            commune_counts[current] += n

    pages = max(1, math.ceil(total / page_size))
    if filters.page > pages:
        raise PageOutOfRange(pages)
    ids = db.session.scalars(
        select(L.product_id)
        .where(*where())
        .order_by(*_order(filters))
        .offset((filters.page - 1) * page_size)
        .limit(page_size)
    ).all()
    products = load_products(list(ids))

    places = load_place_names([*district_counts, *commune_counts])
    communes = {
        i: n for i, n in commune_counts.items() if i in places and places[i].level == "commune"
    }
    return Listing(
        filters=filters,
        products=products,
        total=total,
        page=filters.page,
        pages=pages,
        stars=[
            FacetValue(str(n), str(n), star_counts.get(n, 0), n in filters.stars) for n in (5, 4, 3)
        ],
        groups=[
            FacetValue(code, code, group_counts[code], code == filters.group)
            for code in GROUPS
            if group_counts[code] or code == filters.group
        ],
        sets=[
            FacetValue(str(n), str(n), set_counts[n], n == filters.product_set)
            for n in PRODUCT_SETS
            if set_counts[n] or n == filters.product_set
        ],
        districts=_place_facet(district_counts, places, filters, short=True),
        communes=_place_facet(communes, places, filters, short=False),
        kinds=[
            FacetValue(k.value, k.value, kind_counts.get(k.value, 0), k.value in filters.kinds)
            for k in ProducerKind
            if kind_counts.get(k.value) or k.value in filters.kinds
        ],
        prices=[(lo, hi, n) for (lo, hi), n in zip(PRICE_BANDS, counted.prices, strict=True)],
        in_stock=counted.in_stock,
    )


def load_place_names(ids: Iterable[int]) -> dict[int, Row]:
    """What facets and the map show of these places, as plain rows.

    Not Place objects: those join their parent and grandparent, and building a few hundred of
    them was a fifth of a listing page's time.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(
            Place.id,
            Place.slug,
            Place.name,
            Place.short_name,
            Place.level,
            Place.latitude,
            Place.longitude,
        ).where(Place.id.in_(wanted))
    )
    return {row.id: row for row in rows}


# Place names are few and fixed: fold each once for sorting, not on every page.
_fold_label = lru_cache(maxsize=4096)(fold)


def _place_facet(
    counts: dict[int, int], places: dict[int, Row], filters: Filters, short: bool
) -> list[FacetValue]:
    values = [
        FacetValue(
            places[i].slug,
            places[i].short_name if short else places[i].name,
            n,
            filters.place is not None and filters.place.id == i,
        )
        for i, n in counts.items()
        if i in places
    ]
    return sorted(values, key=lambda v: _fold_label(v.label))


def load_products(ids: list[int]) -> list[Product]:
    """Products by id, in that order, with what a card shows loaded in a fixed few queries."""
    if not ids:
        return []
    loaded = db.session.scalars(
        select(Product)
        .where(Product.id.in_(ids))
        .options(
            selectinload(Product.images),
            selectinload(Product.certificates),
            selectinload(Product.variants),
            # A card shows the producer's name and the 2024 district; the other addresses
            # would add a dozen joins of the places table to every listing.
            lazyload(Product.current_place),
            defaultload(Product.producer).lazyload(Producer.legacy_place),
            defaultload(Product.producer).lazyload(Producer.current_place),
        )
    ).unique()
    by_id = {p.id: p for p in loaded}
    return [by_id[i] for i in ids if i in by_id]


def highlights(today: date, stars: int, limit: int, stamp: tuple) -> list[Product]:
    """Sellable products with ``stars``, newest first."""

    def newest() -> list[int]:
        return list(
            db.session.scalars(
                select(L.product_id)
                .where(sellable_now(today), L.stars == stars)
                .order_by(L.created_at.desc(), L.product_id)
                .limit(limit)
            )
        )

    return load_products(_cached(("highlights", stamp, today, stars, limit), newest))


@dataclass
class MapPoint:
    """A place on the home page's map: its position in the drawing and what is made there."""

    x: float
    y: float
    label: str
    count: int
    slug: str

    @property
    def radius(self) -> float:
        """Bigger for more producers, up to six."""
        return 5 + min(self.count, 6) * 1.5


@dataclass
class Overview:
    """What the home page shows about the whole catalog."""

    total: int
    groups: list[tuple[str, int]]
    districts: list[FacetValue]
    points: list[MapPoint]
    labels: list[MapPoint]
    width: int
    height: int


def overview(today: date, stamp: tuple, width: int = 320, height: int = 260) -> Overview:
    """Counts by group and old district, and producer places projected onto a small map."""
    return _cached(
        ("overview", stamp, today, width, height), lambda: _overview(today, width, height)
    )


def _overview(today: date, width: int, height: int) -> Overview:
    now = sellable_now(today)
    # One scan for both counts: a few hundred (product set, district) pairs, summed here.
    groups: Counter[str] = Counter()
    districts: Counter[int] = Counter()
    for number, district, n in db.session.execute(
        select(L.product_set, L.district_id, func.count())
        .where(now)
        .group_by(L.product_set, L.district_id)
    ):
        groups[PRODUCT_SETS[number].group.code] += n
        if district is not None:
            districts[district] += n
    producer_places = db.session.execute(
        select(Producer.legacy_place_id, Producer.current_place_id).where(
            Producer.id.in_(select(L.producer_id).where(now))
        )
    ).all()
    places = load_place_names(
        [*districts, *(i for row in producer_places for i in row if i is not None)]
    )
    by_place: Counter[int] = Counter()
    for legacy, current in producer_places:
        for place_id in (legacy, current):
            place = places.get(place_id) if place_id else None
            if place is not None and place.latitude is not None:
                by_place[place.id] += 1
                break
    points, labels = _project(places, by_place, sorted(districts), width, height)
    return Overview(
        total=sum(groups.values()),
        groups=[(code, groups[code]) for code in GROUPS],
        districts=sorted(
            (
                FacetValue(places[i].slug, places[i].short_name, n)
                for i, n in districts.items()
                if i in places
            ),
            key=lambda v: (-v.count, _fold_label(v.label)),
        ),
        points=points,
        labels=labels,
        width=width,
        height=height,
    )


def _project(
    places: dict[int, Row], counts: Counter[int], labels: list[int], width: int, height: int
) -> tuple[list[MapPoint], list[MapPoint]]:
    """Equirectangular projection of producer places (dots) and district names (labels)."""
    dots = [places[i] for i in counts]
    named = [places[i] for i in labels if i in places and places[i].latitude is not None]
    located = [p for p in dots + named if p.latitude is not None and p.longitude is not None]
    if not dots or not located:
        return [], []
    lats = [p.latitude for p in located]
    lons = [p.longitude for p in located]
    lat_mid = (min(lats) + max(lats)) / 2
    x_scale = math.cos(math.radians(lat_mid))
    span_x = max((max(lons) - min(lons)) * x_scale, 0.05)
    span_y = max(max(lats) - min(lats), 0.05)
    margin = 28
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def point(place: Row, count: int) -> MapPoint:
        x = offset_x + (place.longitude - min(lons)) * x_scale * scale
        y = offset_y + (max(lats) - place.latitude) * scale
        return MapPoint(round(x, 1), round(y, 1), place.short_name, count, place.slug)

    points = sorted((point(p, counts[p.id]) for p in dots), key=lambda m: -m.count)
    return points, [point(p, 0) for p in named]


@dataclass
class Unsellable:
    """Why a product cannot be bought now, for its page."""

    reason: str
    message: str


def why_not_sellable(
    product: Product, certificate: Certificate | None, today: date
) -> Unsellable | None:
    """None when the product may be sold today, else the plain reason."""
    if certificate is None:
        return Unsellable(
            "uncertified", _("This product has no OCOP certificate, so it is not sold here.")
        )
    status = certificate.status(today)
    if status == "revoked":
        assert certificate.revoked_on is not None
        return Unsellable(
            "revoked",
            _(
                "Its OCOP certificate was revoked on %(date)s because: %(reason)s. "
                "It cannot be bought until it is certified again.",
                date=format_date(certificate.revoked_on, "dd/MM/yyyy"),
                reason=(certificate.revoked_reason or "").rstrip(". ")
                or _("no reason was recorded"),
            ),
        )
    if status == "expired":
        return Unsellable(
            "expired",
            _(
                "Its OCOP certificate expired on %(date)s. It cannot be bought until it is "
                "certified again.",
                date=format_date(certificate.valid_until, "dd/MM/yyyy"),
            ),
        )
    if certificate.decision_date > today:
        return Unsellable(
            "not_yet",
            _(
                "Its OCOP certificate takes effect on %(date)s; it can be bought from then.",
                date=format_date(certificate.decision_date, "dd/MM/yyyy"),
            ),
        )
    if product.producer.status != ProducerStatus.ACTIVE:
        return Unsellable(
            "suspended",
            _("Its producer's shop is suspended by the OCOP office, so it cannot be bought now."),
        )
    if not product.is_listed:
        return Unsellable("unlisted", _("The producer has taken this product off sale for now."))
    return None


def related_products(product: Product, today: date, limit: int = 4) -> list[Product]:
    """Other sellable products: same product set first, then same group or producer."""
    group_sets = sets_in_group(product.set_info.group.code)
    ids = db.session.scalars(
        select(L.product_id)
        .where(
            sellable_now(today),
            L.product_id != product.id,
            or_(L.product_set.in_(group_sets), L.producer_id == product.producer_id),
        )
        .order_by(
            case((L.product_set == product.product_set, 0), else_=1),
            case((L.producer_id == product.producer_id, 0), else_=1),
            L.stars.desc(),
            L.product_id,
        )
        .limit(limit)
    ).all()
    return load_products(list(ids))
