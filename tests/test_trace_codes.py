"""Stamp codes: signing, verification without the database, normalisation; GS1 identifiers."""

import base64
import os

import pytest

from storefront.trace import codes, gs1

KEY = codes.derive_key("test-stamp-key")
TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", codes.ALPHABET)


def test_a_new_code_verifies_in_any_case_and_with_hyphens():
    code = codes.new_code(KEY)
    assert len(code) == 20 and set(code) <= set(codes.ALPHABET)
    assert codes.verify(KEY, code) == code
    assert codes.verify(KEY, code.lower()) == code
    grouped = "-".join(code[i : i + 4] for i in range(0, 20, 4))
    assert codes.verify(KEY, grouped) == code


def test_codes_carry_at_least_90_bits_and_differ():
    assert codes.ID_BITS + codes.TAG_BITS >= 90
    assert len({codes.new_code(KEY) for _ in range(1000)}) == 1000


def test_ambiguous_letters_read_as_digits():
    code = codes.new_code(KEY)
    mistyped = code.replace("1", "I").replace("0", "O")
    assert codes.verify(KEY, mistyped) == code


def test_one_changed_character_is_refused():
    code = codes.new_code(KEY)
    for position in range(20):
        other = "Z" if code[position] != "Z" else "Y"
        assert codes.verify(KEY, code[:position] + other + code[position + 1 :]) is None


def test_another_key_refuses_the_code():
    code = codes.new_code(KEY)
    assert codes.verify(codes.derive_key("another key"), code) is None


@pytest.mark.parametrize("raw", ["", "short", "x" * 20, "U" * 20, "A" * 21, "<script>" * 3])
def test_malformed_codes_are_refused(raw):
    assert codes.verify(KEY, raw) is None


def test_a_million_random_codes_are_all_refused():
    """Verification is one HMAC per code and no query: a million forgeries cost seconds."""
    blob = base64.b32encode(os.urandom(15 * 1_000_000)).decode().translate(TO_CROCKFORD)
    accepted = sum(1 for i in range(0, len(blob), 24) if codes.verify(KEY, blob[i : i + 20]))
    assert accepted == 0


@pytest.mark.parametrize(
    ("gtin", "expected"),
    [
        ("8938505974194", "08938505974194"),
        ("08938505974194", "08938505974194"),
        ("96385074", "00000096385074"),
        ("036000291452", "00036000291452"),
    ],
)
def test_gtins_with_a_right_check_digit_parse_to_14_digits(gtin, expected):
    assert gs1.parse(gtin).gtin == expected


@pytest.mark.parametrize("gtin", ["8938505974195", "893850597419", "abc", "123456789012345", ""])
def test_bad_gtins_are_refused(gtin):
    with pytest.raises(gs1.InvalidIdentifier):
        gs1.parse(gtin)


def test_lots_and_serials_must_use_the_gs1_character_set():
    assert gs1.parse("8938505974194", "VT26-0612A", "000001").path == (
        "/01/08938505974194/10/VT26-0612A/21/000001"
    )
    with pytest.raises(gs1.InvalidIdentifier):
        gs1.parse("8938505974194", "lô số 1")
    with pytest.raises(gs1.InvalidIdentifier):
        gs1.parse("8938505974194", "A" * 21)


def test_link_type_names():
    assert gs1.link_type_name("gs1:pip") == "pip"
    assert gs1.link_type_name("https://gs1.org/voc/traceability") == "traceability"
    assert gs1.link_type_name("gs1:nonsense") is None
