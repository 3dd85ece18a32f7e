"""The 6 OCOP product groups and 26 numbered product sets (bộ sản phẩm), fixed by the programme."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "ocop_product_sets.csv"

_GROUP_CODES = {
    "Food": "food",
    "Drinks": "drinks",
    "Herbal products": "herbal",
    "Handicrafts": "handicrafts",
    "Ornamental plants and animals": "ornamental",
    "Community and eco-tourism services": "tourism",
}


@dataclass(frozen=True)
class Group:
    """One of the six product groups (nhóm sản phẩm)."""

    code: str
    name_vi: str
    name_en: str


_SET_NAMES_EN = {
    1: "Fresh vegetables, tubers, fruit and nuts",
    2: "Fresh meat, seafood, eggs and milk",
    3: "Rice, cereals and other lightly processed grains",
    4: "Honey, other syrups and other farm foods",
    5: "Fast food",
    6: "Processed rice and cereal products",
    7: "Processed vegetables, tubers, fruit and nuts",
    8: "Processed meat, seafood, eggs, milk and honey products",
    9: "Sauces, fish sauce and other liquid seasonings",
    10: "Other seasonings (salt, shallot, garlic, pepper…)",
    11: "Fresh and processed tea",
    12: "Teas from other plants",
    13: "Coffee and cocoa",
    14: "Rice spirits",
    15: "Other alcoholic drinks",
    16: "Natural mineral water and bottled water",
    17: "Other soft drinks",
    18: "Functional foods, herbal and traditional medicines",
    19: "Cosmetics with herbal ingredients",
    20: "Essential oils and other herbal products",
    21: "Household and decorative handicrafts",
    22: "Fabrics and garments",
    23: "Flowers",
    24: "Ornamental plants",
    25: "Ornamental animals",
    26: "Community tourism, eco-tourism and tourist spots",
}


@dataclass(frozen=True)
class ProductSet:
    """A numbered product set (bộ sản phẩm), 1 to 26, and the group it belongs to."""

    number: int
    name_vi: str
    name_en: str
    subgroup_vi: str
    group: Group


def _load() -> tuple[dict[str, Group], dict[int, ProductSet]]:
    groups: dict[str, Group] = {}
    sets: dict[int, ProductSet] = {}
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = _GROUP_CODES[row["group_en"]]
            group = groups.setdefault(code, Group(code, row["group_vi"], row["group_en"]))
            number = int(row["number"])
            sets[number] = ProductSet(
                number, row["name_vi"], _SET_NAMES_EN[number], row["subgroup_vi"], group
            )
    return groups, sets


GROUPS, PRODUCT_SETS = _load()
TOURISM_SET = 26


def sets_in_group(code: str) -> list[int]:
    """Product set numbers of a group, in order."""
    return [n for n, s in PRODUCT_SETS.items() if s.group.code == code]
