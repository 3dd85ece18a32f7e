"""The bundled DejaVu fonts (they cover Vietnamese), for reportlab PDFs and Pillow pictures."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def font_file(bold: bool = False) -> str:
    """The path of the regular or bold DejaVu Sans TTF."""
    return str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


def register_pdf_fonts() -> None:
    """Make FONT and FONT_BOLD known to reportlab, once per process."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_file()))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, font_file(bold=True)))
