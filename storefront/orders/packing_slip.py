"""The packing slip (phiếu đóng gói): one A5 page per order, in Vietnamese, for the parcel."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from ..core.fonts import FONT, FONT_BOLD, register_pdf_fonts
from ..money import format_vnd
from .models import Order


def packing_slip_pdf(order: Order) -> bytes:
    """A PDF listing what goes in the parcel and where it goes; DejaVu covers Vietnamese."""
    register_pdf_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A5)
    pdf.setTitle(f"Phiếu đóng gói {order.code}")
    width, height = A5
    left, y = 12 * mm, height - 16 * mm

    def text(value: str, size: int = 10, bold: bool = False, x: float = left) -> None:
        pdf.setFont(FONT_BOLD if bold else FONT, size)
        pdf.drawString(x, y, value)

    text(f"PHIẾU ĐÓNG GÓI · {order.code}", 14, bold=True)
    y -= 7 * mm
    text(f"Người bán: {order.producer_name}")
    y -= 10 * mm
    group = order.group
    text("Giao đến:", bold=True)
    y -= 5 * mm
    for value in (group.name, group.phone, group.address_line, group.place.full_name):
        text(value[:80])
        y -= 5 * mm
    if group.note:
        text(f"Ghi chú: {group.note[:90]}")
        y -= 5 * mm
    y -= 4 * mm
    text("SKU", bold=True)
    text("Sản phẩm", bold=True, x=left + 30 * mm)
    text("SL", bold=True, x=width - 22 * mm)
    y -= 2 * mm
    pdf.line(left, y, width - left, y)
    y -= 5 * mm
    for line in order.lines:
        text(line.sku, 9)
        text(f"{line.product_name} – {line.variant_label}"[:52], 9, x=left + 30 * mm)
        text(str(line.quantity), 9, x=width - 22 * mm)
        y -= 5 * mm
        if y < 30 * mm:
            pdf.showPage()
            y = height - 16 * mm
    y -= 4 * mm
    if group.payment_method == "cod" and order.payment_status == "unpaid":
        text(f"Thu hộ (COD): {format_vnd(order.total)}", 12, bold=True)
    elif order.payment_status == "paid":
        text("Đã thanh toán – không thu tiền", 12, bold=True)
    else:
        text("Chưa thanh toán – chưa giao hàng", 12, bold=True)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
