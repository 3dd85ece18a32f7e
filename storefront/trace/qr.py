"""QR symbols for stamps: the module matrix, merged into horizontal runs, drawn as one path."""

from __future__ import annotations

import numpy as np
import zxingcpp

QUIET = 4  # modules of white margin the QR specification asks for


def matrix(text: str) -> np.ndarray:
    """The dark modules of a QR symbol at level M (True = dark), without the quiet zone.

    zxing-cpp picks the smallest version and alphanumeric mode for upper-case URLs, and its mask
    search is native code (about 0.1 ms a symbol, against about 10 ms in pure Python).
    """
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return image < 128


def _run_arrays(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    edges = np.diff(padded, axis=1)
    starts_r, starts_c = np.nonzero(edges == 1)
    _ends_r, ends_c = np.nonzero(edges == -1)
    return starts_r, starts_c, ends_c - starts_c


def runs(dark: np.ndarray) -> list[tuple[int, int, int]]:
    """Each row's horizontal runs of dark modules as (row, first column, length)."""
    rows, columns, lengths = _run_arrays(dark)
    return list(zip(rows.tolist(), columns.tolist(), lengths.tolist(), strict=True))


def svg_path(dark: np.ndarray) -> str:
    """SVG path data for the dark modules, one subpath per run, in module units."""
    return "".join(f"M{c} {r}h{n}v1h-{n}z" for r, c, n in runs(dark))


def place_ops(rows: int, body: str, x: float, y: float, module: float) -> str:
    """Wrap a path body from ``path_body`` so its top-left corner lands at (x, y)."""
    return f"q {module:.4f} 0 0 {module:.4f} {x:.3f} {y - rows * module:.3f} cm {body} f Q"


def path_body(text: str) -> tuple[int, str]:
    """(rows, PDF path body in module units) for ``text``; picklable work for a process pool."""
    dark = matrix(text)
    size = dark.shape[0]
    rows, columns, lengths = _run_arrays(dark)
    # One %-format over all numbers: several times faster than formatting each run.
    numbers = np.column_stack((columns, size - 1 - rows, lengths)).ravel().tolist()
    return size, ("%d %d %d 1 re " * len(lengths) % tuple(numbers)).rstrip()
