"""Certificate validity: 36 months from the decision date, expiring in the last 90 days."""

from datetime import date, timedelta

import pytest

from storefront.catalog.models import Certificate, CertificateStatus, valid_until_for

DECIDED = date(2023, 6, 15)


def certificate(**values) -> Certificate:
    return Certificate(
        stars=4,
        level="province",
        issuing_body="UBND tỉnh Bắc Giang",
        decision_number="1/QĐ-UBND",
        decision_date=DECIDED,
        valid_until=valid_until_for(DECIDED),
        **values,
    )


def test_valid_for_36_months_from_decision():
    assert valid_until_for(DECIDED) == date(2026, 6, 14)
    assert valid_until_for(date(2024, 2, 29)) == date(2027, 2, 27)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (DECIDED, CertificateStatus.VALID),
        (date(2026, 3, 16), CertificateStatus.VALID),  # 90 days before the end: not yet expiring
        (date(2026, 3, 17), CertificateStatus.EXPIRING),
        (date(2026, 6, 14), CertificateStatus.EXPIRING),  # the last valid day
        (date(2026, 6, 15), CertificateStatus.EXPIRED),  # 36 months to the day
    ],
)
def test_status_around_the_36_month_boundary(today, status):
    assert certificate().status(today) is status


def test_sale_allowed_only_while_valid_or_expiring():
    cert = certificate()
    assert cert.allows_sale(date(2026, 6, 14))
    assert not cert.allows_sale(date(2026, 6, 15))


def test_revoked_wins_from_its_date():
    cert = certificate(revoked_on=date(2024, 1, 10), revoked_reason="Vi phạm")
    assert cert.status(date(2024, 1, 9)) is CertificateStatus.VALID
    assert cert.status(date(2024, 1, 10)) is CertificateStatus.REVOKED
    assert cert.status(date(2030, 1, 1)) is CertificateStatus.REVOKED
    assert not cert.allows_sale(date(2024, 1, 10) + timedelta(days=1))
