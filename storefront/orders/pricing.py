"""Pricing and line building: the one place a cart line gets its price and an order its fee.

Extension points for gift sets, tourism slots and event prices: a line has a ``kind``;
``PRICE_RULES`` may override a variant's price at a moment (an event price), and a new kind
registers how it prices in ``LINE_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..catalog.models import Producer, Variant
from ..core.i18n import localized
from ..events.checkout import event_price_rule

# A rule returns a unit price for (variant, quantity, at), or None to let the next rule decide.
PriceRule = Callable[[Variant, int, datetime], int | None]
PRICE_RULES: list[PriceRule] = []

# kind -> how a line of that kind is priced; "product" is a catalog variant at its list price.
LINE_KINDS: dict[str, Callable[[Variant, int, datetime], int]] = {}


@dataclass
class Line:
    """A priced line: what, how many, at what unit price (always computed here, never posted)."""

    kind: str
    variant: Variant
    quantity: int
    unit_price: int
    # The cart item the line comes from (a gift set gives one line per component).
    item_id: int | None = None
    # Stock units one unit of the line takes: a gift set component's count; 0 for a tour place.
    units_per_quantity: int = 1
    # The gift set or tourism slot the line is for; 0 for a plain product.
    ref_id: int = 0
    # Replaces the variant's label (the gift set and component, or the tour's date).
    label: str | None = None

    @property
    def stock_units(self) -> int:
        return self.quantity * self.units_per_quantity

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def producer(self) -> Producer:
        return self.variant.product.producer

    @property
    def product_name(self) -> str:
        return localized(self.variant.product, "name")

    @property
    def variant_label(self) -> str:
        return self.label or localized(self.variant, "label")


def list_price(variant: Variant, quantity: int, at: datetime) -> int:
    """The variant's price, unless a price rule (an event price, say) applies at ``at``."""
    for rule in PRICE_RULES:
        price = rule(variant, quantity, at)
        if price is not None:
            return price
    return variant.price


LINE_KINDS["product"] = list_price
PRICE_RULES.append(event_price_rule)


def price_line(variant: Variant, quantity: int, at: datetime, kind: str = "product") -> Line:
    """Price ``quantity`` units of ``variant`` as a line of ``kind`` at moment ``at``."""
    return Line(kind, variant, quantity, LINE_KINDS[kind](variant, quantity, at))


def delivery_fee(producer: Producer, subtotal: int) -> int:
    """The producer's flat fee, waived when the subtotal reaches its free-delivery threshold."""
    if producer.free_delivery_from is not None and subtotal >= producer.free_delivery_from:
        return 0
    return producer.delivery_fee


@dataclass
class ProducerPart:
    """One producer's share of a cart: its lines, subtotal and delivery fee."""

    producer: Producer
    lines: list[Line] = field(default_factory=list)
    # Set when the buyer collects this part at the producer's event booth: no delivery fee.
    pickup_at: str | None = None

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def delivery_fee(self) -> int:
        return 0 if self.pickup_at else delivery_fee(self.producer, self.subtotal)

    @property
    def total(self) -> int:
        return self.subtotal + self.delivery_fee


def split_by_producer(lines: list[Line]) -> list[ProducerPart]:
    """Group lines by producer, in the order producers first appear."""
    parts: dict[int, ProducerPart] = {}
    for line in lines:
        part = parts.setdefault(line.producer.id, ProducerPart(line.producer))
        part.lines.append(line)
    return list(parts.values())
