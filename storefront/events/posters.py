"""Printable posters (PDF with a vector QR code) and the event floor plan (SVG)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from markupsafe import Markup, escape
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..core.fonts import FONT, FONT_BOLD, register_pdf_fonts
from ..text import wrap_words
from ..trace import qr
from .models import GRID_HEIGHT, GRID_WIDTH, Event

CELL = 30  # SVG units per grid cell


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw ``url`` as a QR code of ``size`` points with its lower left corner at (x, y).

    Each run of dark modules in a row is one filled rectangle, so the code stays sharp at any
    print size (vector, not a bitmap).
    """
    dark = qr.matrix(url)
    module = size / (dark.shape[0] + 2 * qr.QUIET)
    canvas.setFillColor(HexColor("#000000"))
    for r, c, n in qr.runs(dark):
        top = y + size - (qr.QUIET + r + 1) * module
        canvas.rect(x + (qr.QUIET + c) * module, top, n * module, module, stroke=0, fill=1)


def poster_pdf(title: str, lines: Sequence[str], url: str, call_to_action: str) -> bytes:
    """An A4 poster: a title, a few lines of facts, a large QR code to ``url`` and the URL."""
    register_pdf_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    width, height = A4
    margin = 18 * mm
    canvas.setFillColor(HexColor("#0b6e4f"))
    canvas.rect(0, height - 28 * mm, width, 28 * mm, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.setFont(FONT_BOLD, 20)
    canvas.drawString(margin, height - 18 * mm, "OCOP Bắc Giang ★")
    canvas.setFillColor(HexColor("#1d2327"))
    y = height - 45 * mm
    text_width = width - 2 * margin
    title_lines = wrap_words(title, text_width, lambda t: canvas.stringWidth(t, FONT_BOLD, 26))
    for line in title_lines[:4]:
        canvas.setFont(FONT_BOLD, 26)
        canvas.drawString(margin, y, line)
        y -= 11 * mm
    y -= 3 * mm
    canvas.setFont(FONT, 14)
    for fact in lines:
        fact_lines = wrap_words(fact, text_width, lambda t: canvas.stringWidth(t, FONT, 14))
        for line in fact_lines[:3]:
            canvas.drawString(margin, y, line)
            y -= 7 * mm
    size = min(110 * mm, y - 45 * mm)
    _draw_qr(canvas, url, (width - size) / 2, 40 * mm, size)
    canvas.setFont(FONT_BOLD, 16)
    canvas.drawCentredString(width / 2, 30 * mm, call_to_action)
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(width / 2, 22 * mm, url)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def floor_plan_svg(event: Event, title: str, description: str) -> Markup:
    """The event's booths on its grid, each with its number and producer, as accessible SVG.

    The drawing is cropped to the booths (plus a cell of margin) so that it scales up as far as
    a phone's width allows; numbers are large, names wrap onto two short lines.
    """
    booths = event.booths
    if booths:
        left = max(min(b.x for b in booths) - 1, 0)
        top = max(min(b.y for b in booths) - 1, 0)
        right = min(max(b.x + b.w for b in booths) + 1, GRID_WIDTH)
        bottom = min(max(b.y + b.h for b in booths) + 1, GRID_HEIGHT)
    else:
        left, top, right, bottom = 0, 0, GRID_WIDTH, GRID_HEIGHT
    x0, y0 = left * CELL, top * CELL
    width, height = (right - left) * CELL, (bottom - top) * CELL
    parts = [
        f'<svg class="floor-plan" viewBox="{x0} {y0} {width} {height}" role="img" '
        'aria-labelledby="floor-plan-title floor-plan-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<title id="floor-plan-title">{escape(title)}</title>',
        f'<desc id="floor-plan-desc">{escape(description)}</desc>',
        f'<rect x="{x0}" y="{y0}" width="{width}" height="{height}" fill="#f7f8f6"/>',
    ]
    for booth in booths:
        x, y, w, h = booth.x * CELL, booth.y * CELL, booth.w * CELL, booth.h * CELL
        name = booth.producer.name if booth.producer is not None else ""
        lines = _name_lines(name, max(int(w / 10), 4)) if h >= 2 * CELL else []
        parts.append(f'<g id="booth-{escape(booth.number)}">')
        parts.append(f"<title>{escape(booth.number)} {escape(name)}</title>")
        parts.append(
            f'<rect x="{x + 2}" y="{y + 2}" width="{w - 4}" height="{h - 4}" rx="6" '
            f'fill="{"#e7f4ee" if name else "#ffffff"}" stroke="#0b6e4f" stroke-width="2"/>'
        )
        number_y = y + 34 if lines else y + h / 2 + 10
        parts.append(
            f'<text x="{x + w / 2}" y="{number_y}" text-anchor="middle" font-size="28" '
            f'font-weight="bold" fill="#08513a">{escape(booth.number)}</text>'
        )
        for index, line in enumerate(lines):
            parts.append(
                f'<text x="{x + w / 2}" y="{y + 56 + 18 * index}" text-anchor="middle" '
                f'font-size="15" fill="#1d2327">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    # Every interpolated text went through escape() above.
    return Markup("".join(parts))  # noqa: S704


def _name_lines(name: str, limit: int) -> list[str]:
    """At most two lines of ``limit`` characters, the second clipped with an ellipsis."""
    lines: list[str] = []
    line = ""
    for word in name.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) > limit and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    if len(lines) > 2 or len(lines[-1]) > limit:
        second = " ".join(lines[1:]) if len(lines) > 1 else lines[0]
        lines = (
            [*lines[:1], second[: limit - 1] + "…"]
            if len(lines) > 1
            else [second[: limit - 1] + "…"]
        )
    return [line for line in lines if line]
