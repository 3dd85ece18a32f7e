"""GS1 Digital Link: parse /01/{gtin}[/10/{lot}][/21/{serial}] and describe its links (RFC 9264)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import normalize_gtin

# GS1 AI (10) and (21): up to 20 characters of the GS1 "CSET 82" set, percent-decoded.
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")

LINKSET_TYPE = "application/linkset+json"
VOC = "https://gs1.org/voc/"
LINK_TYPES = ("defaultLink", "pip", "traceability", "epcis", "certificationInfo")


class InvalidIdentifier(ValueError):
    """The URI names a GTIN, lot or serial that cannot exist (bad check digit, bad characters)."""


@dataclass(frozen=True)
class DigitalLink:
    gtin: str  # 14 digits
    lot: str | None = None
    serial: str | None = None

    @property
    def path(self) -> str:
        path = f"/01/{self.gtin}"
        if self.lot is not None:
            path += f"/10/{self.lot}"
        if self.serial is not None:
            path += f"/21/{self.serial}"
        return path


def parse(gtin: str, lot: str | None = None, serial: str | None = None) -> DigitalLink:
    """Validate the parts of a Digital Link; raises InvalidIdentifier."""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise InvalidIdentifier("GTIN must have 8, 12, 13 or 14 digits")
    normalized = normalize_gtin(gtin)
    if normalized is None:
        raise InvalidIdentifier("GTIN check digit is wrong")
    for value in (lot, serial):
        if value is not None and not _CSET82.match(value):
            raise InvalidIdentifier("lot or serial has characters GS1 does not allow")
    return DigitalLink(normalized, lot, serial)


def link_type_name(raw: str) -> str | None:
    """ "gs1:pip", "pip" or "https://gs1.org/voc/pip" as "pip"; None if unknown."""
    name = raw.removeprefix(VOC).removeprefix("gs1:")
    return name if name in LINK_TYPES else None
