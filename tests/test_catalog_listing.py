"""The listing index follows certificates, producers, prices and the calendar."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from storefront.catalog.browse import Filters, browse
from storefront.catalog.listing import ProductListing, reindex_all, windows
from storefront.catalog.models import ProducerStatus
from storefront.catalog.services import add_certificate
from storefront.catalog.stock import change_stock
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db
from tests.conftest import make_product, revoke

D = date


def test_windows_are_cut_by_revocation_and_by_the_next_certificate():
    assert windows([(1, 4, D(2021, 1, 1), D(2023, 12, 31), None)]) == [
        (1, 4, D(2021, 1, 1), D(2023, 12, 31))
    ]
    # Revoked: the last day it could be sold is the day before the revocation.
    assert windows([(1, 4, D(2021, 1, 1), D(2023, 12, 31), D(2022, 5, 10))]) == [
        (1, 4, D(2021, 1, 1), D(2022, 5, 9))
    ]
    # A renewal decided before the old one ends takes over from its decision date.
    assert windows(
        [
            (1, 3, D(2021, 1, 1), D(2023, 12, 31), None),
            (2, 4, D(2023, 10, 1), D(2026, 9, 30), None),
        ]
    ) == [(1, 3, D(2021, 1, 1), D(2023, 9, 30)), (2, 4, D(2023, 10, 1), D(2026, 9, 30))]
    # Revoked on its decision day: never sellable.
    assert windows([(1, 4, D(2021, 1, 1), D(2023, 12, 31), D(2021, 1, 1))]) == []


def listed(today: date | None = None) -> list[str]:
    listing = browse(Filters(), today or today_in_vietnam())
    return [p.name_vi for p in listing.products]


def test_the_index_follows_orm_changes():
    product = make_product("Vải thiều", stars=4, price=100_000)
    other = make_product("Mật ong", stars=3, price=50_000)
    assert listed() == ["Vải thiều", "Mật ong"]

    revoke(product.certificates[0])
    assert listed() == ["Mật ong"]

    add_certificate(
        product,
        stars=5,
        level="central",
        issuing_body="Bộ Nông nghiệp và Môi trường",
        decision_number="9/QĐ-BNN",
        decision_date=today_in_vietnam(),
    )
    db.session.commit()
    assert listed() == ["Vải thiều", "Mật ong"]
    assert browse(Filters(stars={5}), today_in_vietnam()).total == 1

    other.producer.status = ProducerStatus.SUSPENDED
    db.session.commit()
    assert listed() == ["Vải thiều"]

    product.variants[0].price = 80_000
    db.session.commit()
    assert browse(Filters(max_price=90_000), today_in_vietnam()).total == 1


def test_expiry_needs_no_write():
    make_product("Chè xanh", decided=today_in_vietnam() - timedelta(days=100))
    assert listed() == ["Chè xanh"]
    assert listed(today_in_vietnam() + timedelta(days=365 * 3)) == []


def test_stock_is_read_live():
    product = make_product("Gà đồi", stock=2)
    assert browse(Filters(in_stock=True), today_in_vietnam()).total == 1
    change_stock(product.variants[0].id, -2)
    db.session.commit()
    assert browse(Filters(in_stock=True), today_in_vietnam()).total == 0


def test_reindex_rebuilds_everything():
    make_product("Nem nướng")
    db.session.execute(ProductListing.__table__.delete())
    db.session.commit()
    assert listed() == []
    assert reindex_all() == 1
    assert listed() == ["Nem nướng"]
    assert db.session.scalar(select(ProductListing.stars)) == 4


def test_a_rolled_back_change_leaves_the_index_alone():
    product = make_product("Bánh khảo")
    product.certificates[0].revoked_on = today_in_vietnam()
    db.session.flush()
    db.session.rollback()
    assert listed() == ["Bánh khảo"]
    make_product("Chả gà")  # the next commit refreshes what the rolled-back flush touched
    assert sorted(listed()) == ["Bánh khảo", "Chả gà"]
