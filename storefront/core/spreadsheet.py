"""CSV downloads that spreadsheet programs open safely and with Vietnamese intact."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"  # without it Excel reads UTF-8 as the local code page and garbles Vietnamese


def formula_safe(text: str) -> str:
    """Keep spreadsheet programs from running someone's text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], bom: bool = True) -> str:
    """The header and rows as CSV text, starting with a byte order mark unless ``bom`` is off."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM if bom else "") + out.getvalue()
