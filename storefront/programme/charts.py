"""Bar charts drawn on the server as accessible SVG: a title, a description and text labels."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = ("#0b6e4f", "#b7791f", "#5b6abf", "#b42318")
# Laid out for a phone first: each row is its label on one line and its bar below, so labels
# keep their full width and the text stays about 14 px high on a 360 px wide screen.
WIDTH = 360
ROW_HEIGHT = 44
BAR_MAX = 290
FONT = 14


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[str] = (),
    target: int | None = None,
    target_label: str = "",
) -> Markup:
    """Horizontal bars, one row per label; several values in a row are stacked in ``series`` order.

    Every bar carries its number as text, so the chart reads without colour; ``target`` draws a
    dashed line. The SVG scales to the width of its container.
    """
    largest = max([sum(values) for _, values in rows] + [target or 0, 1])
    legend_height = 26 if len(series) > 1 else 0
    target_height = 20 if target else 0
    height = legend_height + ROW_HEIGHT * max(len(rows), 1) + target_height + 4
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" id="{cid}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, sans-serif" font-size="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]
    if len(series) > 1:
        x = 0
        for index, name in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{colour}"/>')
            parts.append(f'<text x="{x + 20}" y="16">{escape(name)}</text>')
            x += 34 + 8 * len(name)
    for row_index, (label, values) in enumerate(rows):
        y = legend_height + row_index * ROW_HEIGHT
        parts.append(f'<text x="0" y="{y + 15}">{escape(_clip(label))}</text>')
        x = 0.0
        for index, value in enumerate(values):
            width = BAR_MAX * value / largest
            if width > 0:
                colour = COLOURS[index % len(COLOURS)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 21}" width="{width:.1f}" height="16" '
                    f'fill="{colour}"/>'
                )
            x += width
        total = " + ".join(str(v) for v in values) if len(values) > 1 else str(values[0])
        parts.append(f'<text x="{x + 5:.1f}" y="{y + 34}">{escape(total)}</text>')
    if target:
        tx = BAR_MAX * target / largest
        bottom = height - target_height
        parts.append(
            f'<line x1="{tx:.1f}" y1="{legend_height}" x2="{tx:.1f}" y2="{bottom}" '
            'stroke="#b42318" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{bottom + 15}" text-anchor="middle" fill="#b42318">'
            f"{escape(target_label)}</text>"
        )
    parts.append("</svg>")
    # Every interpolated text went through escape() above.
    return Markup("".join(parts))  # noqa: S704


def _clip(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
