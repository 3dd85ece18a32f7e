"""VietQR: the NAPAS (EMVCo merchant-presented mode) payload for a bank transfer, built locally."""

from __future__ import annotations

NAPAS_GUID = "A000000727"
CURRENCY_VND = "704"
SERVICE_TO_ACCOUNT = "QRIBFTTA"  # inter-bank fast transfer to an account number


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no xor-out."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One EMVCo field: two-digit tag, two-digit length (in characters), value."""
    if len(value) > 99:
        raise ValueError(f"field {tag} is too long")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append field 63 with the CRC over everything before it, including "6304"."""
    data = body + "6304"
    return data + f"{crc16_ccitt_false(data.encode('utf-8')):04X}"


def parse(payload: str) -> list[tuple[str, str]]:
    """Split a payload into its top-level (tag, value) fields, in order."""
    fields, i = [], 0
    while i < len(payload):
        tag, length = payload[i : i + 2], int(payload[i + 2 : i + 4])
        fields.append((tag, payload[i + 4 : i + 4 + length]))
        i += 4 + length
    return fields


def is_valid(payload: str) -> bool:
    """Whether the payload ends in a field 63 whose CRC matches."""
    return len(payload) > 8 and payload[-8:-4] == "6304" and with_crc(payload[:-8]) == payload


def payload(bank_bin: str, account: str, amount: int | None, purpose: str = "") -> str:
    """The VietQR payload: transfer ``amount`` đồng to ``account`` at bank ``bank_bin``.

    With an amount and a purpose (our order code goes in 62.08) the code is dynamic (01 = 12),
    so the buyer's banking app fills in both.
    """
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant)
    body += tlv("53", CURRENCY_VND)
    if amount:
        body += tlv("54", str(int(amount)))
    body += tlv("58", "VN")
    if purpose:
        body += tlv("62", tlv("08", purpose))
    return with_crc(body)
