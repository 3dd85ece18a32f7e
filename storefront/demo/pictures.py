"""Generated demo pictures: a vertical colour gradient with a title wrapped to fit."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont


def gradient(width: int, height: int, colours) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """An RGB picture fading from the first colour at the top to the second at the bottom."""
    top, bottom = colours
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image, draw


def wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels (a long word keeps its line)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return lines
