"""Stamp print sheets: PDF (A4 grid or label roll), and SVG or PNG labels for label printers.

Each stamp shows its QR (one vector path of merged runs), the short code, "OCOP" with the stars,
its serial, and the product name in Vietnamese, set in the embedded DejaVu Sans.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import qr

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
CHUNK = 250  # stamps per task handed to a worker process
ALPHABET_USED = "0123456789ABCDEFGHJKMNPQRSTVWXYZ-# "

# Page streams are zlib-compressed binary; ASCII85 on top only makes them 25 % larger, and without
# reportlab's C accelerator it is pure Python and takes a third of the render time.
rl_config.useA85 = 0


@dataclass(frozen=True)
class Layout:
    """A sheet: page size, the grid of cells, and the QR module size (all in points)."""

    name: str
    page: tuple[float, float]
    cell: tuple[float, float]
    columns: int
    rows: int
    margin: tuple[float, float]
    module: float


LAYOUTS = {
    "a4": Layout(
        "a4", (210 * mm, 297 * mm), (40 * mm, 48 * mm), 5, 6, (5 * mm, 4.5 * mm), 0.85 * mm
    ),
    "roll": Layout("roll", (40 * mm, 48 * mm), (40 * mm, 48 * mm), 1, 1, (0, 0), 0.85 * mm),
}


@dataclass(frozen=True)
class Label:
    """What a stamp prints: the product's Vietnamese name and stars apply to the whole run."""

    product_name: str
    stars: int


@dataclass(frozen=True)
class StampText:
    code: str
    serial: str
    url: str  # upper case, so the QR uses alphanumeric mode


def grouped(code: str) -> str:
    """ "14N9EYBN…" as "14N9-EYBN-…": easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def stars_text(stars: int) -> str:
    return "OCOP " + "★" * stars if stars else "OCOP"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    # asciiReadable: ASCII keeps its own codes in the first subset (cell_ops relies on it).
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf"), asciiReadable=True))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def _wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(".,") + "…"
    return out


@dataclass(frozen=True)
class PageJob:
    """Everything a worker needs to write one page's content stream."""

    cells: tuple[tuple[StampText, float, float], ...]  # each stamp and its cell's top-left corner
    sheet: Layout
    font: str  # the PDF name of DejaVu Sans' first subset, where ASCII maps to itself
    form: str  # the PDF name of the shared label form


def cell_ops(stamp: StampText, x: float, y: float, sheet: Layout, font: str, form: str) -> str:
    """One cell as PDF operators: the shared form, the QR as one path, the code and serial.

    Codes and serials are ASCII (Crockford letters, digits, "-" and "#"), which the first subset
    of a reportlab TrueType font maps to themselves, so they can be written as plain strings.
    """
    cell_w, cell_h = sheet.cell
    rows, body = qr.path_body(stamp.url)
    width = rows * sheet.module
    code = grouped(stamp.code)
    code_x = x + (cell_w - pdfmetrics.stringWidth(code, FONT, 6.6)) / 2
    serial = f"#{stamp.serial}"
    serial_x = x + cell_w - 2.5 * mm - pdfmetrics.stringWidth(serial, FONT, 5.5)
    return (
        f"q 1 0 0 1 {x:.2f} {y - cell_h:.2f} cm /{form} Do Q\n"
        + qr.place_ops(rows, body, x + (cell_w - width) / 2, y - 7.5 * mm, sheet.module)
        + f"\nBT /{font} 6.6 Tf 1 0 0 1 {code_x:.2f} {y - 10.7 * mm - width:.2f} Tm ({code}) Tj "
        f"/{font} 5.5 Tf 1 0 0 1 {serial_x:.2f} {y - 5 * mm:.2f} Tm ({serial}) Tj ET"
    )


def page_stream(job: PageJob) -> bytes:
    """A whole page's operators, Flate-compressed, ready to be the page's content stream.

    Built in worker processes: the QR paths are most of a sheet's bytes, so compressing them
    where they are made spreads that work over the cores, overlaps it with the main process,
    and sends a tenth of the bytes back.
    """
    register_fonts()
    ops = "\n".join(
        cell_ops(stamp, x, y, job.sheet, job.font, job.form) for stamp, x, y in job.cells
    )
    return zlib.compress(ops.encode("ascii"))


def _pages(jobs: Sequence[PageJob], workers: int) -> Iterable[bytes]:
    """Page streams in order; spread over ``workers`` processes for large runs."""
    stamps = sum(len(job.cells) for job in jobs)
    if workers <= 1 or stamps < 2 * CHUNK:
        return map(page_stream, jobs)
    # fork starts workers in milliseconds, but is unsafe once the process has other threads
    # (a web server); spawn then, at the price of importing the package again in each worker.
    single_threaded = threading.active_count() == 1 and os.name == "posix"
    context = multiprocessing.get_context("fork" if single_threaded else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    per_page = max(1, len(jobs[0].cells))
    results = pool.map(page_stream, jobs, chunksize=max(1, CHUNK // per_page))

    def ordered() -> Iterable[bytes]:
        try:
            yield from results
        finally:
            pool.shutdown()

    return ordered()


def render_pdf(
    label: Label,
    stamps: Sequence[StampText],
    layout: str = "a4",
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> bytes:
    """The print sheet for ``stamps`` as PDF bytes; ``progress(n)`` is told every page."""
    register_fonts()
    sheet = LAYOUTS[layout]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=sheet.page, pageCompression=1)
    canvas.setTitle(f"OCOP – {label.product_name}")
    canvas.setAuthor("OCOP")
    cell_w, cell_h = sheet.cell
    _label_form(canvas, label, cell_w, cell_h)
    font = pdfmetrics.getFont(FONT)
    if font.splitString(ALPHABET_USED, canvas._doc) != [(0, ALPHABET_USED.encode())]:
        raise RuntimeError("DejaVu Sans no longer maps ASCII to itself in its first subset")
    font_name = font.getSubsetInternalName(0, canvas._doc)[1:]
    form_name = canvas._doc.getXObjectName("label")
    per_page = sheet.columns * sheet.rows
    top = sheet.page[1] - sheet.margin[1]
    jobs = []
    for first in range(0, len(stamps), per_page):
        cells = []
        for slot, stamp in enumerate(stamps[first : first + per_page]):
            x = sheet.margin[0] + (slot % sheet.columns) * cell_w
            y = top - (slot // sheet.columns) * cell_h
            cells.append((stamp, x, y))
        jobs.append(PageJob(tuple(cells), sheet, font_name, form_name))
    flate = PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])})
    done = 0
    for job, stream in zip(jobs, _pages(jobs, workers), strict=True):
        # The canvas draws one form so the page lists it in its resources; the worker's
        # compressed stream, which draws every cell's form itself, then replaces the page's
        # content (a stream whose dictionary names its filter is written as it is).
        canvas.doForm("label")
        canvas.showPage()
        canvas._doc.Pages.pages[-1].Contents = PDFStream(flate, stream)
        done += len(job.cells)
        if progress:
            progress(done)
    if not jobs:
        canvas.showPage()
    canvas.save()
    if progress:
        progress(len(stamps))
    return out.getvalue()


def _label_form(canvas: Canvas, label: Label, width: float, height: float) -> None:
    """What every cell shares, drawn once as a form: cut line, OCOP stars and product name."""
    canvas.beginForm("label", lowerx=0, lowery=0, upperx=width, uppery=height)
    canvas.setStrokeGray(0.8)
    canvas.setLineWidth(0.3)
    canvas.roundRect(1 * mm, 1 * mm, width - 2 * mm, height - 2 * mm, 2 * mm)
    canvas.setFillColorRGB(0.64, 0.47, 0.0)
    canvas.setFont(FONT_BOLD, 7.5)
    canvas.drawString(2.5 * mm, height - 5 * mm, stars_text(label.stars))
    canvas.setFillGray(0)
    canvas.setFont(FONT, 6.2)
    for number, line in enumerate(_wrap(label.product_name, FONT, 6.2, width - 5 * mm, 2)):
        canvas.drawCentredString(width / 2, 6.2 * mm - number * 2.6 * mm, line)
    canvas.endForm()


def render_svg(label: Label, stamp: StampText) -> str:
    """One label as SVG (40 × 48 mm), the QR as one path in module units."""
    dark = qr.matrix(stamp.url)
    size = dark.shape[0]
    module = 0.7
    offset = (40 - size * module) / 2
    name_lines = _wrap(label.product_name, FONT, 6.2, 35 * mm, 2)
    names = "".join(
        f'<text x="20" y="{41.8 + i * 2.6:.1f}" font-size="2.2" text-anchor="middle">'
        f"{escape(line)}</text>"
        for i, line in enumerate(name_lines)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="48mm" viewBox="0 0 40 48" '
        'font-family="DejaVu Sans, sans-serif">'
        '<rect width="40" height="48" fill="#fff"/>'
        f'<text x="2.5" y="5" font-size="2.7" font-weight="bold" fill="#a37800">'
        f"{escape(stars_text(label.stars))}</text>"
        f'<text x="37.5" y="5" font-size="1.9" text-anchor="end">#{escape(stamp.serial)}</text>'
        f'<path transform="translate({offset:.2f} 7.5) scale({module})" d="{qr.svg_path(dark)}"/>'
        f'<text x="20" y="{7.5 + size * module + 3.2:.1f}" font-size="2.35" '
        f'text-anchor="middle">{grouped(stamp.code)}</text>'
        f"{names}</svg>"
    )


@lru_cache(maxsize=4)
def _pil_font(bold: bool, px: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), px)


def render_png(label: Label, stamp: StampText, dpi: int = 300) -> bytes:
    """One label as a PNG at ``dpi`` (40 × 48 mm), for printers that take bitmaps."""
    px = dpi / 25.4
    image = Image.new("L", (round(40 * px), round(48 * px)), 255)
    draw = ImageDraw.Draw(image)
    dark = qr.matrix(stamp.url)
    size = dark.shape[0]
    module = max(1, round(0.7 * px))
    left = (image.width - size * module) // 2
    top = round(7.5 * px)
    for r, c, n in qr.runs(dark):
        draw.rectangle(
            (
                left + c * module,
                top + r * module,
                left + (c + n) * module - 1,
                top + (r + 1) * module - 1,
            ),
            fill=0,
        )
    draw.text(
        (2.5 * px, 5 * px),
        stars_text(label.stars),
        font=_pil_font(True, round(2.7 * px)),
        fill=80,
        anchor="ls",
    )
    draw.text(
        (37.5 * px, 5 * px),
        f"#{stamp.serial}",
        font=_pil_font(False, round(1.9 * px)),
        fill=0,
        anchor="rs",
    )
    code_y = top + size * module + 3.2 * px
    draw.text(
        (image.width / 2, code_y),
        grouped(stamp.code),
        font=_pil_font(False, round(2.35 * px)),
        fill=0,
        anchor="ms",
    )
    for i, line in enumerate(_wrap(label.product_name, FONT, 6.2, 35 * mm, 2)):
        draw.text(
            (image.width / 2, (41.8 + i * 2.6) * px),
            line,
            font=_pil_font(False, round(2.2 * px)),
            fill=0,
            anchor="ms",
        )
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def render_zip(
    label: Label,
    stamps: Sequence[StampText],
    kind: str,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Every label of a run as SVG or PNG files in one ZIP, named by serial."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, stamp in enumerate(stamps, start=1):
            if kind == "svg":
                archive.writestr(f"{stamp.serial}.svg", render_svg(label, stamp))
            else:
                archive.writestr(f"{stamp.serial}.png", render_png(label, stamp))
            if progress and index % 100 == 0:
                progress(index)
    if progress:
        progress(len(stamps))
    return out.getvalue()


def render_pins(label: Label, pins: Sequence[tuple[str, str]]) -> bytes:
    """The scratch-off PIN sheet, printed apart from the stamps: serial and PIN in a grid."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=LAYOUTS["a4"].page)
    height = LAYOUTS["a4"].page[1]
    columns, rows = 4, 20
    for index, (serial, pin) in enumerate(pins):
        slot = index % (columns * rows)
        if slot == 0:
            if index:
                canvas.showPage()
            canvas.setFont(FONT_BOLD, 10)
            canvas.drawString(15 * mm, height - 12 * mm, f"PIN – {label.product_name}")
        x = 15 * mm + (slot % columns) * 46 * mm
        y = height - 22 * mm - (slot // columns) * 13 * mm
        canvas.setFont(FONT, 7)
        canvas.drawString(x, y, f"#{serial}")
        canvas.setFont(FONT_BOLD, 12)
        canvas.drawString(x, y - 5 * mm, pin)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
