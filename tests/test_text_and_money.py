"""Unit tests: Vietnamese folding, slugs, money, phone numbers, tax codes and GTINs."""

import pytest

from storefront.money import format_vnd, parse_vnd
from storefront.text import fold, is_valid_tax_code, normalize_gtin, normalize_phone, slugify


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Vải thiều Lục Ngạn", "vai thieu luc ngan"),
        ("ĐÔNG BẮC", "dong bac"),
        ("Đông Bắc", "dong bac"),
        ("  Rượu   Làng Vân ", "ruou lang van"),
        ("Đại An – Dầu mè đen", "dai an dau me den"),
        ("Ổi Đồng Nga", "oi dong nga"),
        ("<script>alert(1)</script>", "script alert 1 script"),
        ("🍒 vải", "vai"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_tones_case_and_d_stroke(raw, folded):
    assert fold(raw) == folded


def test_fold_of_decomposed_unicode_matches_precomposed():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nụ hoa sâm nam núi Dành")
    assert fold(decomposed) == fold("Nụ hoa sâm nam núi Dành") == "nu hoa sam nam nui danh"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Vải thiều Lục Ngạn", "vai-thieu-luc-ngan"),
        ("Rượu Nếp cái hoa vàng Làng Vân", "ruou-nep-cai-hoa-vang-lang-van"),
        ("Đại An – Dầu mè đen", "dai-an-dau-me-den"),
        ("HTX SX & KD dịch vụ tổng hợp Hồng Xuân", "htx-sx-kd-dich-vu-tong-hop-hong-xuan"),
        ("!!!", "item"),
    ],
)
def test_slugify_vietnamese(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (1_250_000, "1.250.000 ₫", "₫1,250,000"),
        (0, "0 ₫", "₫0"),
        (999, "999 ₫", "₫999"),
        (12_345_678_900, "12.345.678.900 ₫", "₫12,345,678,900"),
    ],
)
def test_format_vnd_per_locale(amount, vi, en):
    assert format_vnd(amount, "vi") == vi
    assert format_vnd(amount, "en") == en


@pytest.mark.parametrize("bad", [1.5, "1000", None, True])
def test_format_vnd_refuses_non_integers(bad):
    with pytest.raises(TypeError):
        format_vnd(bad)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1.250.000", 1_250_000), ("1,250,000 ₫", 1_250_000), ("50000đ", 50_000), ("0", 0)],
)
def test_parse_vnd(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["-5", "12.5.x", "", "1e6", "abc", "9" * 13])
def test_parse_vnd_refuses_garbage(text):
    with pytest.raises(ValueError):
        parse_vnd(text)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0352.123.456", "0352123456"),
        ("0204 3854 123", "02043854123"),
        ("0123456789", None),  # 01x prefixes were retired in 2018
        ("091234567", None),
        ("09123456789", None),
        ("phone", None),
        ("", None),
    ],
)
def test_normalize_phone(raw, normal):
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("0100109106", True),
        ("0100109106-001", True),
        ("0100109107", False),
        ("010010910", False),
        ("01001091060", False),
        ("abcdefghij", False),
        ("", False),
    ],
)
def test_tax_code_check_digit(code, ok):
    assert is_valid_tax_code(code) is ok


@pytest.mark.parametrize(
    ("raw", "gtin14"),
    [
        ("8934588012228", "08934588012228"),
        ("08934588012228", "08934588012228"),
        ("8934588012229", None),
        ("893458801222", None),
        ("89345880122a8", None),
        ("", None),
    ],
)
def test_gtin_check_digit(raw, gtin14):
    assert normalize_gtin(raw) == gtin14
