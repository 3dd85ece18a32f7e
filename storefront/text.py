"""Vietnamese text helpers: folding for search, slugs, identifier validation, word wrapping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from slugify import slugify as _slugify

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str | None) -> str:
    """Fold Vietnamese text for search: lower case, no tone marks, đ as d, single spaces.

    "Đông Bắc" and "DONG BAC" both fold to "dong bac".
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = _NON_WORD.sub(" ", stripped.lower())
    return _SPACES.sub(" ", stripped).strip()


def slugify(text: str, max_length: int = 120) -> str:
    """Slug from Vietnamese text: "Vải thiều Lục Ngạn" becomes "vai-thieu-luc-ngan"."""
    return _slugify(text.replace("đ", "d").replace("Đ", "D"), max_length=max_length) or "item"


_PHONE = re.compile(r"^(?:\+?84|0)(3|5|7|8|9)\d{8}$")
_LANDLINE = re.compile(r"^(?:\+?84|0)2\d{9}$")


def normalize_phone(raw: str | None) -> str | None:
    """Return a Vietnamese phone number as ``0xxxxxxxxx`` or None if it is not one.

    Accepts mobile numbers (03, 05, 07, 08, 09 + 8 digits) and landlines (02 + 9 digits), with
    +84/84 prefixes, spaces, dots and dashes.
    """
    if not raw:
        return None
    digits = re.sub(r"[\s.\-()]", "", raw.strip())
    if not (_PHONE.match(digits) or _LANDLINE.match(digits)):
        return None
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def is_valid_tax_code(code: str | None) -> bool:
    """Check a tax code (mã số thuế): 10 digits ending in a check digit, or 10-3 for branches."""
    if not code:
        return False
    match = re.fullmatch(r"(\d{10})(?:-(\d{3}))?", code.strip())
    if not match:
        return False
    digits = [int(c) for c in match.group(1)]
    check = 10 - sum(w * d for w, d in zip(_TAX_WEIGHTS, digits[:9], strict=True)) % 11
    return check == digits[9]


def gtin_check_digit(body: str) -> int:
    """GS1 check digit for the digits of a GTIN without its last digit."""
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(raw: str | None) -> str | None:
    """Return a GTIN as 14 digits if it is a valid GTIN-8/12/13/14, else None."""
    if not raw:
        return None
    code = raw.strip()
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return None
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        return None
    return code.zfill(14)


def wrap_words(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Each paragraph of ``text`` broken into lines whose ``measure`` fits ``width``.

    ``measure`` gives a string's width in the drawing's units (a PDF font's or a picture's); a
    word wider than ``width`` keeps a line of its own.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if measure(candidate) > width and line:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines
