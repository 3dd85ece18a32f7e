"""Load the places tables from vietnamadminunits and resolve addresses written in 2024 form."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..text import fold, slugify
from .models import Place

# Huyện Yên Dũng was folded into Bắc Giang city in late 2024, before the dataset's snapshot, yet
# certificates from 2021–2024 name it; keep it as a legacy district of its own.
EXTRA_LEGACY_DISTRICTS = {"Tỉnh Bắc Giang": [("221", "Huyện Yên Dũng", "Yên Dũng", 21.2, 106.24)]}


def _dataset_path() -> str:
    import vietnamadminunits

    return os.path.join(os.path.dirname(vietnamadminunits.__file__), "data", "dataset.db")


def _upsert(era: str, level: str, code: str, **values: object) -> Place:
    place = db.session.scalar(
        select(Place).where(Place.era == era, Place.level == level, Place.code == code)
    )
    if place is None:
        place = Place(era=era, level=level, code=code)
        db.session.add(place)
    for key, value in values.items():
        setattr(place, key, value)
    place.search_key = fold(f"{place.name} {place.short_name}")
    return place


def load_province(legacy_province_short: str = "Bắc Giang") -> tuple[int, int]:
    """Load one 2024 province with its districts and communes, and the 2025 units they became.

    Idempotent: units are matched by (era, level, official code). Returns (legacy, current) counts.
    """
    from vietnamadminunits import convert_address

    connection = sqlite3.connect(f"file:{_dataset_path()}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT province, district, ward, districtShort, wardShort, provinceCode, districtCode, "
        "wardCode, provinceLat, provinceLon, districtLat, districtLon, wardLat, wardLon "
        "FROM admin_units_legacy WHERE provinceShort = ? ORDER BY districtCode, wardCode",
        (legacy_province_short,),
    ).fetchall()
    if not rows:
        raise ValueError(f"unknown province {legacy_province_short!r}")
    province_name, province_code = rows[0][0], rows[0][5]
    legacy_province = _upsert(
        "legacy",
        "province",
        province_code,
        name=province_name,
        short_name=legacy_province_short,
        slug=slugify(f"{province_name} 2024"),
        latitude=rows[0][8],
        longitude=rows[0][9],
        parent_id=None,
    )
    db.session.flush()
    districts: dict[str, Place] = {}
    legacy_count, current_codes = 1, set()
    for code, name, short, lat, lon in EXTRA_LEGACY_DISTRICTS.get(province_name, []):
        districts[code] = _upsert(
            "legacy",
            "district",
            code,
            name=name,
            short_name=short,
            slug=slugify(name),
            parent_id=legacy_province.id,
            latitude=lat,
            longitude=lon,
        )
        legacy_count += 1
    current_province = None
    for (
        _,
        district,
        ward,
        district_short,
        ward_short,
        _,
        district_code,
        ward_code,
        _,
        _,
        d_lat,
        d_lon,
        w_lat,
        w_lon,
    ) in rows:
        if district_code not in districts:
            districts[district_code] = _upsert(
                "legacy",
                "district",
                district_code,
                name=district,
                short_name=district_short,
                slug=slugify(district),
                parent_id=legacy_province.id,
                latitude=d_lat,
                longitude=d_lon,
            )
            legacy_count += 1
            db.session.flush()
        now = convert_address(f"{ward}, {district}, {province_name}")
        if current_province is None:
            current_province = _upsert(
                "current",
                "province",
                now.province_code,
                name=now.province,
                short_name=now.short_province,
                slug=slugify(now.province),
                parent_id=None,
            )
            db.session.flush()
            legacy_province.successor_id = current_province.id
        current = _upsert(
            "current",
            "commune",
            now.ward_code,
            name=now.ward,
            short_name=now.short_ward,
            slug=slugify(f"{now.ward} {now.short_province}"),
            parent_id=current_province.id,
            latitude=now.latitude,
            longitude=now.longitude,
        )
        current_codes.add(now.ward_code)
        db.session.flush()
        _upsert(
            "legacy",
            "commune",
            ward_code,
            name=ward,
            short_name=ward_short,
            slug=slugify(f"{ward} {district_short} 2024"),
            parent_id=districts[district_code].id,
            successor_id=current.id,
            latitude=w_lat,
            longitude=w_lon,
        )
        legacy_count += 1
    connection.close()
    db.session.commit()
    return legacy_count, len(current_codes) + 1


@dataclass
class ResolvedAddress:
    """A 2024 address matched to our places: the most precise legacy unit and its 2025 successor."""

    legacy: Place | None
    current: Place | None
    as_written: str


def resolve_legacy_address(
    district: str, commune: str = "", province: str = "Bắc Giang"
) -> ResolvedAddress:
    """Match a district and commune as written in a 2024 record ("Lục Ngạn", "TT Chũ").

    The written form is kept verbatim; the match goes through vietnamadminunits so abbreviations
    and the late-2024 reorganisations resolve. Unknown places resolve to the province.
    """
    from vietnamadminunits import parse_address

    written = ", ".join(
        p for p in (_expand(commune), _district_label(district), f"tỉnh {province}") if p
    )
    legacy = current = None
    province_place = db.session.scalar(
        select(Place).where(
            Place.era == "legacy", Place.level == "province", Place.short_name == province
        )
    )
    if commune:
        try:
            parsed = parse_address(written, mode="LEGACY")
        except Exception:  # the parser raises bare exceptions on text it cannot place
            parsed = None
        if parsed is not None and parsed.ward_code:
            legacy = db.session.scalar(
                select(Place).where(
                    Place.era == "legacy", Place.level == "commune", Place.code == parsed.ward_code
                )
            )
            current = legacy.successor if legacy is not None else None
    if legacy is None and district:
        key = fold(district)
        for place in db.session.scalars(
            select(Place).where(Place.era == "legacy", Place.level == "district")
        ):
            if fold(place.short_name) == key:
                legacy = place
                break
    if legacy is None:
        legacy = province_place
    if current is None and province_place is not None:
        current = province_place.successor
    return ResolvedAddress(legacy, current, written)


def _expand(commune: str) -> str:
    commune = (commune or "").strip()
    if not commune:
        return ""
    if commune.startswith("TT "):
        return "thị trấn " + commune[3:]
    return commune if commune.lower().startswith(("xã", "phường", "thị trấn")) else f"xã {commune}"


def _district_label(district: str) -> str:
    district = (district or "").strip()
    if not district:
        return ""
    return (
        district
        if district.lower().startswith(("huyện", "thị xã", "thành phố"))
        else f"huyện {district}"
    )
