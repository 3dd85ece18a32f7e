"""Bar charts drawn on the server as accessible SVG: a title, a description and text labels."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = ("#0b6e4f", "#b7791f", "#5b6abf", "#b42318")
ROW_HEIGHT = 30
LABEL_WIDTH = 190
BAR_WIDTH = 300
VALUE_WIDTH = 70
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH


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
    dashed line. The SVG scales to the width of its container (a phone's included).
    """
    largest = max([sum(values) for _, values in rows] + [target or 0, 1])
    legend_height = ROW_HEIGHT if len(series) > 1 else 0
    height = legend_height + ROW_HEIGHT * max(len(rows), 1) + 10
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    if len(series) > 1:
        x = 0
        for index, name in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{colour}"/>')
            parts.append(f'<text x="{x + 20}" y="18">{escape(name)}</text>')
            x += 30 + 8 * len(name)
    for row_index, (label, values) in enumerate(rows):
        y = legend_height + row_index * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
        )
        x = float(LABEL_WIDTH)
        for index, value in enumerate(values):
            width = BAR_WIDTH * value / largest
            if width > 0:
                colour = COLOURS[index % len(COLOURS)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="{ROW_HEIGHT - 10}" '
                    f'fill="{colour}"/>'
                )
            x += width
        total = " + ".join(str(v) for v in values) if len(values) > 1 else str(values[0])
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 19}">{escape(total)}</text>')
    if target:
        tx = LABEL_WIDTH + BAR_WIDTH * target / largest
        parts.append(
            f'<line x1="{tx:.1f}" y1="{legend_height}" x2="{tx:.1f}" y2="{height - 6}" '
            'stroke="#b42318" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{tx - 4:.1f}" y="{height - 1}" text-anchor="end" fill="#b42318">'
            f"{escape(target_label)}</text>"
        )
    parts.append("</svg>")
    # Every interpolated text went through escape() above.
    return Markup("".join(parts))  # noqa: S704


def _clip(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
