"""Generated demo pictures: a vertical colour gradient to write a title on."""

from __future__ import annotations

from PIL import Image, ImageDraw


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
