"""Browsing the catalog: filters read from the query string, search, facet counts, pagination.

The listing reads one compact row of facts per sellable product (stars, set, places, price, stock)
in a single query, then filters, counts facets and sorts those rows in Python; only the products
on the requested page are loaded as objects. The number of queries is therefore the same for ten
products and for ten thousand, and no count is ever stale: there is no denormalised copy to keep
in step with certificates, stock or prices that other features change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..places.models import Place
from ..text import fold
from .models import Certificate, Producer, ProducerKind, ProducerStatus, Product, Variant
from .product_sets import GROUPS, PRODUCT_SETS
from .services import certificate_allows_sale

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
    # An exact name beats a partial one; an old district beats a commune of the same name
    # because "Lục Ngạn" on a 2024 record means the district.
    rank = {"province": 0, "district": 1, "commune": 2}
    exact = [p for p in candidates if key in (fold(p.name), fold(p.short_name))]
    pool = exact or candidates
    return min(pool, key=lambda p: (rank[p.level], p.era != "legacy", p.id), default=None)


@dataclass(frozen=True)
class Fact:
    """What the listing needs to know about one sellable product."""

    id: int
    product_set: int
    group: str
    producer_id: int
    kind: str
    stars: int
    legacy_place_id: int | None
    district_id: int | None
    current_place_id: int | None
    min_price: int | None
    in_stock: bool
    created_at: datetime
    search_text: str


class PlaceIndex:
    """Every place, to answer "is this product in that district/commune?" without more queries."""

    def __init__(self, places: Iterable[Place]):
        self.by_id: dict[int, Place] = {p.id: p for p in places}
        self._districts = sorted(
            ((fold(p.name), p.id) for p in self.by_id.values() if p.level == "district"),
            key=lambda d: -len(d[0]),
        )
        self._written: dict[tuple[str, int | None], int | None] = {}

    def certified_district(self, as_written: str, place_id: int | None) -> int | None:
        """The 2024 district an address was certified in.

        The district named in the address as written wins over the places tree: communes that
        moved to Thị xã Chũ in late 2024 were certified as "huyện Lục Ngạn" and are found there.
        """
        key = (as_written, place_id)
        if key not in self._written:
            folded = fold(as_written)
            named = next((i for name, i in self._districts if name and name in folded), None)
            self._written[key] = named if named is not None else self.district_of(place_id)
        return self._written[key]

    def district_of(self, place_id: int | None) -> int | None:
        place = self.by_id.get(place_id) if place_id is not None else None
        while place is not None and place.level == "commune" and place.era == "legacy":
            place = self.by_id.get(place.parent_id) if place.parent_id else None
        return place.id if place is not None and place.level == "district" else None

    def ancestors(self, place_id: int | None) -> set[int]:
        """The place and every unit above it."""
        found: set[int] = set()
        place = self.by_id.get(place_id) if place_id is not None else None
        while place is not None and place.id not in found:
            found.add(place.id)
            place = self.by_id.get(place.parent_id) if place.parent_id else None
        return found


def load_places() -> PlaceIndex:
    return PlaceIndex(db.session.scalars(select(Place)))


def sellable_facts(today: date, places: PlaceIndex, terms: list[str] | None = None) -> list[Fact]:
    """One row per sellable product (listed, producer active, certificate in force on ``today``).

    With search ``terms``, only products whose folded names contain every term.
    """
    prices = (
        select(
            Variant.product_id.label("product_id"),
            func.min(Variant.price).label("min_price"),
            func.max(Variant.stock).label("max_stock"),
        )
        .where(Variant.is_active.is_(True))
        .group_by(Variant.product_id)
        .subquery()
    )
    statement = (
        select(
            Product.id,
            Product.product_set,
            Product.producer_id,
            Producer.kind,
            Certificate.stars,
            Certificate.decision_date,
            Product.legacy_place_id,
            Product.address_as_written,
            Product.current_place_id,
            prices.c.min_price,
            prices.c.max_stock,
            Product.created_at,
            Product.search_text if terms else Product.slug,
        )
        .join(Producer, Producer.id == Product.producer_id)
        .join(
            Certificate, and_(Certificate.product_id == Product.id, certificate_allows_sale(today))
        )
        .outerjoin(prices, prices.c.product_id == Product.id)
        .where(Product.is_listed.is_(True), Producer.status == ProducerStatus.ACTIVE)
    )
    for term in terms or ():
        # Words match from their start: "thieu" and "thi" find "thiều", "ong" does not find "hồng".
        pattern = escape_like(term)
        statement = statement.where(
            or_(
                Product.search_text.like(f"{pattern}%", escape="\\"),
                Product.search_text.like(f"% {pattern}%", escape="\\"),
            )
        )
    facts: dict[int, tuple[date, Fact]] = {}
    for row in db.session.execute(statement):
        (
            pid,
            pset,
            producer_id,
            kind,
            stars,
            decided,
            legacy,
            written,
            current,
            low,
            stock,
            created,
            text,
        ) = row
        # Two certificates can overlap while a renewal starts; the newer decision counts.
        if pid in facts and facts[pid][0] >= decided:
            continue
        facts[pid] = (
            decided,
            Fact(
                pid,
                pset,
                PRODUCT_SETS[pset].group.code,
                producer_id,
                kind,
                stars,
                legacy,
                places.certified_district(written, legacy),
                current,
                low,
                bool(stock and stock > 0),
                created,
                text if terms else "",
            ),
        )
    found = [fact for _, fact in facts.values()]
    if terms and len(terms) > 1:
        # When the words also appear together somewhere ("dong bac" in "Đông Bắc"), those products
        # are what the visitor meant; otherwise any product with every word will do.
        phrase = " " + " ".join(terms)
        together = [f for f in found if phrase in " " + f.search_text]
        if together:
            return together
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


def _predicates(filters: Filters, places: PlaceIndex) -> dict[str, Callable[[Fact], bool]]:
    """One test per facet; a facet's counts apply every test but its own."""
    tests: dict[str, Callable[[Fact], bool]] = {}
    if filters.stars:
        tests["stars"] = lambda f: f.stars in filters.stars
    if filters.group:
        tests["group"] = lambda f: f.group == filters.group
    if filters.product_set:
        tests["set"] = lambda f: f.product_set == filters.product_set
    if filters.place is not None:
        target = filters.place.id
        cache: dict[int | None, bool] = {}

        def in_place(place_id: int | None) -> bool:
            if place_id not in cache:
                cache[place_id] = target in places.ancestors(place_id)
            return cache[place_id]

        tests["place"] = lambda f: (
            f.district_id == target or in_place(f.legacy_place_id) or in_place(f.current_place_id)
        )
    if filters.producer is not None:
        producer_id = filters.producer.id
        tests["producer"] = lambda f: f.producer_id == producer_id
    if filters.kinds:
        tests["kind"] = lambda f: f.kind in filters.kinds
    if filters.min_price is not None or filters.max_price is not None:
        low = filters.min_price or 0
        high = filters.max_price if filters.max_price is not None else MAX_PRICE
        tests["price"] = lambda f: f.min_price is not None and low <= f.min_price <= high
    if filters.in_stock:
        tests["in_stock"] = lambda f: f.in_stock
    return tests


def relevance(fact: Fact, filters: Filters) -> tuple:
    """Sort key for search results: name matches first, whole phrase first, then stars."""
    name = fact.search_text.split(" | ", 1)[0]
    words = name.split()
    phrase = " " + " ".join(filters.terms)
    in_name = sum(1 for t in filters.terms if any(w.startswith(t) for w in words))
    whole_words = sum(1 for t in filters.terms if t in words)
    return (
        -(phrase in " " + name),
        -in_name,
        -whole_words,
        -fact.stars,
        fact.id,
    )


def browse(filters: Filters, today: date, page_size: int = PAGE_SIZE) -> Listing:
    """Filter, count, sort and page the sellable products.

    Raises PageOutOfRange when ``filters.page`` is past the last page.
    """
    places = load_places()
    facts = sellable_facts(today, places, filters.terms)
    tests = _predicates(filters, places)

    # For each fact, the names of the tests it fails; it counts for a facet if it fails at most
    # that facet's own test.
    failures = [(fact, [n for n, test in tests.items() if not test(fact)]) for fact in facts]

    def counted(facet: str) -> Iterable[Fact]:
        return (f for f, failed in failures if not failed or failed == [facet])

    matches = [f for f, failed in failures if not failed]

    star_counts = Counter(f.stars for f in counted("stars"))
    group_counts = Counter(f.group for f in counted("group"))
    set_counts = Counter(f.product_set for f in counted("set"))
    kind_counts = Counter(f.kind for f in counted("kind"))
    district_counts: Counter[int] = Counter()
    commune_counts: Counter[int] = Counter()
    for f in counted("place"):
        if f.district_id is not None:
            district_counts[f.district_id] += 1
        if f.current_place_id is not None and places.by_id[f.current_place_id].level == "commune":
            commune_counts[f.current_place_id] += 1
    priced = [f.min_price for f in counted("price") if f.min_price is not None]
    prices = [
        (low, high, sum(1 for p in priced if (low or 0) <= p <= (high or MAX_PRICE)))
        for low, high in PRICE_BANDS
    ]
    in_stock = sum(1 for f in counted("in_stock") if f.in_stock)

    sort = filters.sort
    if sort == "relevance" and not filters.terms:
        sort = "stars"
    keys: dict[str, Callable[[Fact], tuple]] = {
        "relevance": lambda f: relevance(f, filters),
        "price_asc": lambda f: (f.min_price is None, f.min_price or 0, f.id),
        "price_desc": lambda f: (f.min_price is None, -(f.min_price or 0), f.id),
        "newest": lambda f: (-f.created_at.timestamp(), -f.id),
        "stars": lambda f: (-f.stars, f.id),
    }
    matches.sort(key=keys[sort])

    total = len(matches)
    pages = max(1, math.ceil(total / page_size))
    if filters.page > pages:
        raise PageOutOfRange(pages)
    start = (filters.page - 1) * page_size
    products = load_products([f.id for f in matches[start : start + page_size]])

    def place_label(place: Place) -> str:
        return place.short_name or place.name

    return Listing(
        filters=filters,
        products=products,
        total=total,
        page=filters.page,
        pages=pages,
        stars=[FacetValue(str(n), str(n), star_counts[n], n in filters.stars) for n in (5, 4, 3)],
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
        districts=sorted(
            (
                FacetValue(
                    places.by_id[i].slug,
                    place_label(places.by_id[i]),
                    n,
                    filters.place is not None and filters.place.id == i,
                )
                for i, n in district_counts.items()
            ),
            key=lambda v: fold(v.label),
        ),
        communes=sorted(
            (
                FacetValue(
                    places.by_id[i].slug,
                    places.by_id[i].name,
                    n,
                    filters.place is not None and filters.place.id == i,
                )
                for i, n in commune_counts.items()
            ),
            key=lambda v: fold(v.label),
        ),
        kinds=[
            FacetValue(k.value, k.value, kind_counts[k.value], k.value in filters.kinds)
            for k in ProducerKind
            if kind_counts[k.value] or k.value in filters.kinds
        ],
        prices=prices,
        in_stock=in_stock,
    )


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
        )
    ).unique()
    by_id = {p.id: p for p in loaded}
    return [by_id[i] for i in ids if i in by_id]


def highlights(facts: list[Fact], stars: int, limit: int) -> list[Product]:
    """Sellable products with ``stars``, newest first."""
    chosen = sorted(
        (f for f in facts if f.stars == stars), key=lambda f: (-f.created_at.timestamp(), f.id)
    )
    return load_products([f.id for f in chosen[:limit]])


@dataclass
class MapPoint:
    """A place on the home page's map: its position in the drawing and what is made there."""

    x: float
    y: float
    label: str
    count: int
    slug: str


@dataclass
class Overview:
    """What the home page shows about the whole catalog."""

    total: int
    groups: list[tuple[str, int]]
    districts: list[FacetValue]
    points: list[MapPoint]
    width: int
    height: int


def overview(
    facts: list[Fact], places: PlaceIndex, width: int = 320, height: int = 260
) -> Overview:
    """Counts by group and old district, and producer places projected onto a small map."""
    groups = Counter(f.group for f in facts)
    districts: Counter[int] = Counter()
    for f in facts:
        if f.district_id is not None:
            districts[f.district_id] += 1
    # Producers' places: the most precise 2024 unit that has a position.
    producer_ids = {f.producer_id for f in facts}
    by_place: Counter[int] = Counter()
    if producer_ids:
        rows = db.session.execute(
            select(Producer.legacy_place_id, Producer.current_place_id).where(
                Producer.id.in_(producer_ids)
            )
        )
        for legacy, current in rows:
            for place_id in (legacy, current):
                place = places.by_id.get(place_id) if place_id else None
                if place is not None and place.latitude is not None:
                    by_place[place.id] += 1
                    break
    points = _project(places, by_place, width, height)
    return Overview(
        total=len(facts),
        groups=[(code, groups[code]) for code in GROUPS],
        districts=sorted(
            (
                FacetValue(places.by_id[i].slug, places.by_id[i].short_name, n)
                for i, n in districts.items()
            ),
            key=lambda v: (-v.count, fold(v.label)),
        ),
        points=points,
        width=width,
        height=height,
    )


def _project(places: PlaceIndex, counts: Counter[int], width: int, height: int) -> list[MapPoint]:
    """Equirectangular projection of the points into the drawing, with a margin."""
    located = [places.by_id[i] for i in counts]
    if not located:
        return []
    lats = [p.latitude for p in located if p.latitude is not None]
    lons = [p.longitude for p in located if p.longitude is not None]
    lat_mid = (min(lats) + max(lats)) / 2
    x_scale = math.cos(math.radians(lat_mid))
    span_x = max((max(lons) - min(lons)) * x_scale, 0.05)
    span_y = max(max(lats) - min(lats), 0.05)
    margin = 24
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    points = []
    for place in located:
        assert place.latitude is not None and place.longitude is not None
        x = offset_x + (place.longitude - min(lons)) * x_scale * scale
        y = offset_y + (max(lats) - place.latitude) * scale
        points.append(
            MapPoint(round(x, 1), round(y, 1), place.short_name, counts[place.id], place.slug)
        )
    return sorted(points, key=lambda p: -p.count)


@dataclass
class Unsellable:
    """Why a product cannot be bought now, for its page."""

    reason: str
    message: str


def why_not_sellable(
    product: Product, certificate: Certificate | None, today: date
) -> Unsellable | None:
    """None when the product may be sold today, else the plain reason."""
    from flask_babel import format_date

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
                reason=certificate.revoked_reason or _("no reason was recorded"),
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
    """Other sellable products: same product set first, then same group, then same producer."""
    group_sets = [n for n, s in PRODUCT_SETS.items() if s.group.code == product.set_info.group.code]
    candidates = db.session.scalars(
        select(Product.id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(
            Product.id != product.id,
            Product.is_listed.is_(True),
            Producer.status == ProducerStatus.ACTIVE,
            or_(
                Product.product_set.in_(group_sets),
                Product.producer_id == product.producer_id,
            ),
            select(Certificate.id)
            .where(Certificate.product_id == Product.id, certificate_allows_sale(today))
            .exists(),
        )
        .order_by(
            (Product.product_set == product.product_set).desc(),
            (Product.producer_id == product.producer_id).desc(),
            Product.id,
        )
        .limit(limit)
    ).all()
    return load_products(list(candidates))
