"""Stamp codes: a 64-bit random id and a 36-bit HMAC tag, written in Crockford base32.

20 characters carry 100 bits. The tag is checked with one HMAC and no database lookup, so a
forged or mistyped code is refused cheaply; guessing a valid one takes about 2**36 tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O or U
CODE_LENGTH = 20
ID_BITS = 64
TAG_BITS = 36
_TAG_MASK = (1 << TAG_BITS) - 1
# Crockford letters -> the digits int(..., 32) reads; I and L read as 1, O as 0 (mistyped codes).
_TO_INT32 = str.maketrans(
    ALPHABET + "ILO" + ALPHABET.lower() + "ilo",
    "0123456789abcdefghijklmnopqrstuv" + "110" + "0123456789abcdefghijklmnopqrstuv" + "110",
)
_CANONICAL = str.maketrans("ILO", "110")
_VALID = frozenset(ALPHABET + "ILO" + ALPHABET.lower() + "ilo")


def derive_key(secret: str) -> bytes:
    """The key stamp tags are made with, derived from STAMP_SIGNING_KEY for this one purpose."""
    return hmac.digest(secret.encode(), b"ocop-stamp-code-v1", "sha256")


def _tag(key: bytes, ident: int) -> int:
    digest = hmac.digest(key, ident.to_bytes(8, "big"), "sha256")
    return int.from_bytes(digest[:5], "big") & _TAG_MASK


def encode(number: int) -> str:
    """``number`` (< 2**100) as 20 Crockford base32 characters."""
    chars = []
    for _ in range(CODE_LENGTH):
        chars.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def new_code(key: bytes) -> str:
    """A fresh signed stamp code (upper case)."""
    ident = secrets.randbits(ID_BITS)
    return encode((ident << TAG_BITS) | _tag(key, ident))


def verify(key: bytes, raw: str) -> str | None:
    """The canonical code if ``raw`` carries a valid tag, else None; never touches the database."""
    text = raw if len(raw) == CODE_LENGTH else raw.replace("-", "").replace(" ", "")
    if len(text) != CODE_LENGTH or not _VALID.issuperset(text):
        return None
    number = int(text.translate(_TO_INT32), 32)
    expected = hmac.digest(key, (number >> TAG_BITS).to_bytes(8, "big"), "sha256")
    if not hmac.compare_digest(
        (int.from_bytes(expected[:5], "big") & _TAG_MASK).to_bytes(5, "big"),
        (number & _TAG_MASK).to_bytes(5, "big"),
    ):
        return None
    return text.upper().translate(_CANONICAL)


def pin_hash(key: bytes, code: str, pin: str) -> str:
    """Keyed hash of a stamp's scratch-off PIN; without the key a 6-digit PIN cannot be searched."""
    return hmac.new(key, f"pin:{code}:{pin}".encode(), hashlib.sha256).hexdigest()


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"
