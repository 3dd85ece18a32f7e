"""Product and logo images: validated with Pillow, re-encoded, stored under content-hash names."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core.errors import UserError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 20,000 × 20,000 image is 400 M pixels: refused before decoding
MAX_SIDE = 1600
THUMB_SIDE = 480
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class StoredImage:
    path: str
    thumb_path: str
    width: int
    height: int


def store_image(data: bytes) -> StoredImage:
    """Validate an uploaded image, re-encode it as JPEG (EXIF stripped) and make a thumbnail.

    Raises UserError (400) for anything that is not a real JPEG, PNG or WebP image within the size
    and pixel limits; nothing is written then.
    """
    if not data:
        raise UserError(_("Choose an image to upload."))
    if len(data) > MAX_BYTES:
        raise UserError(_("That image is larger than 8 MB. Please upload a smaller one."), 413)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise UserError(_("Only JPEG, PNG or WebP photos can be uploaded."))
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise UserError(
                    _(
                        "That image is %(w)s × %(h)s pixels; the limit is 40 million pixels.",
                        w=width,
                        h=height,
                    )
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.load()
    except UserError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError(_("That file is not a valid image.")) from None
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    full = _encode(image)
    thumb_image = image.copy()
    thumb_image.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb = _encode(thumb_image)
    name = hashlib.sha256(full).hexdigest()[:24]
    folder = Path(current_app.config["UPLOAD_DIR"]) / "img"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jpg").write_bytes(full)
    (folder / f"{name}-thumb.jpg").write_bytes(thumb)
    return StoredImage(f"img/{name}.jpg", f"img/{name}-thumb.jpg", image.width, image.height)


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[-1])
        return background
    return image.convert("RGB")


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()
