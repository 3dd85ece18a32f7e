"""Orders after checkout: statuses, the producers' desk, tracking, expiry, slips and exports."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.core.models import AuditEntry, OutboxMessage
from storefront.extensions import db
from storefront.orders import services
from storefront.orders.models import Order, OrderGroup
from tests.conftest import login, make_producer, make_user
from tests.orders_support import make_shop, place, stock_of


def producer_staff(order: Order):
    return make_user(Role.PRODUCER, producer=order.producer)


def move(client, order: Order, status: str, **extra):
    return client.post(
        f"/dashboard/orders/{order.id}/status?lang=en", data={"status": status, **extra}
    )


def test_cash_on_delivery_goes_from_placed_to_delivered_and_is_then_paid(client):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey).orders[0]
    login(client, producer_staff(order))
    assert order.payment_status == "unpaid"
    for status in ("confirmed", "packed"):
        assert move(client, order, status).status_code == 303
    response = move(client, order, "shipped", carrier="Viettel Post", tracking_number="VTP123")
    assert response.status_code == 303
    db.session.refresh(order)
    assert (order.status, order.carrier, order.tracking_number) == (
        "shipped",
        "Viettel Post",
        "VTP123",
    )
    shipped_mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "order_shipped")
    )
    assert "VTP123" in shipped_mail.body
    assert move(client, order, "delivered").status_code == 303
    db.session.refresh(order)
    assert (order.status, order.payment_status) == ("delivered", "paid")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["order.confirmed", "order.packed", "order.shipped", "order.delivered"]


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("placed", "shipped", "cannot become Shipped"),
        ("placed", "delivered", "cannot become Delivered"),
        ("delivered", "cancelled", "cannot become Cancelled"),
        ("cancelled", "confirmed", "cannot become Confirmed"),
        ("placed", "refunded", "cannot become Refunded"),
        ("placed", "lost", "Unknown order status"),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_message(client, start, to, message):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey).orders[0]
    db.session.execute(Order.__table__.update().where(Order.id == order.id).values(status=start))
    db.session.commit()
    login(client, producer_staff(order))
    response = move(client, order, to)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status == start


def test_shipping_needs_a_carrier_and_tracking_number(client):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey).orders[0]
    order.status = "packed"
    db.session.commit()
    login(client, producer_staff(order))
    response = move(client, order, "shipped", carrier="", tracking_number="")
    assert response.status_code == 409
    assert "carrier and the tracking number" in response.get_data(as_text=True)


def test_an_online_order_is_confirmed_only_once_paid(client):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey, method="vietqr").orders[0]
    login(client, producer_staff(order))
    response = move(client, order, "confirmed")
    assert response.status_code == 409
    assert "waits for its payment" in response.get_data(as_text=True)
    response = client.post(f"/dashboard/orders/{order.id}/transfer-received", data={})
    assert response.status_code == 303
    db.session.refresh(order)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    again = client.post(f"/dashboard/orders/{order.id}/transfer-received?lang=en", data={})
    assert again.status_code == 409
    paid_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "order_paid")
    ).all()
    assert len(paid_mail) == 1


def test_cancelling_returns_the_stock(client):
    honey, lychee, commune = make_shop()
    group = place(client, commune, honey, lychee)
    assert (stock_of(honey), stock_of(lychee)) == (49, 49)
    honey_order = next(o for o in group.orders if o.lines[0].variant_id == honey.id)
    login(client, producer_staff(honey_order))
    assert move(client, honey_order, "cancelled", reason="Hết hàng").status_code == 303
    assert (stock_of(honey), stock_of(lychee)) == (50, 49)
    db.session.refresh(honey_order)
    assert (honey_order.status, honey_order.payment_status) == ("cancelled", "void")
    assert move(client, honey_order, "cancelled").status_code == 409
    assert stock_of(honey) == 50


def test_unpaid_online_orders_expire_and_return_their_stock(app, client):
    honey, lychee, commune = make_shop()
    late = place(client, commune, honey, method="vietqr")
    on_time = place(client, commune, lychee, method="vietqr")
    cash = place(client, commune, lychee, method="cod")
    late.pay_by = datetime.now(UTC) - timedelta(minutes=1)
    cash.created_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert result.exit_code == 0, result.output
    assert "Cancelled 1 unpaid order(s)." in result.output
    db.session.expire_all()
    assert late.orders[0].status == "cancelled"
    assert on_time.orders[0].status == cash.orders[0].status == "placed"
    assert (stock_of(honey), stock_of(lychee)) == (50, 48)
    again = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert "Cancelled 0 unpaid order(s)." in again.output
    assert stock_of(honey) == 50


def test_the_payment_window_defaults_to_thirty_minutes(client):
    honey, _lychee, commune = make_shop()
    group = place(client, commune, honey, method="vietqr")
    pay_by, created = group.pay_by, group.created_at
    assert timedelta(minutes=29) < pay_by - created <= timedelta(minutes=30, seconds=1)


def test_guests_track_an_order_with_its_code_and_phone(client, app):
    honey, _lychee, commune = make_shop()
    group = place(client, commune, honey)
    stranger = app.test_client()
    assert stranger.get(f"/orders/{group.code}").status_code == 404
    wrong = stranger.post("/orders/track?lang=en", data={"code": group.code, "phone": "0987654321"})
    assert wrong.status_code == 404
    assert "No order matches" in wrong.get_data(as_text=True)
    right = stranger.post(
        "/orders/track", data={"code": group.orders[0].code.lower(), "phone": "+84 912 345 678"}
    )
    assert right.status_code == 303
    page = stranger.get(right.headers["Location"] + "?lang=en")
    assert page.status_code == 200 and group.code in page.get_data(as_text=True)


def test_tracking_is_rate_limited(app):
    guesser = app.test_client()
    statuses = [
        guesser.post(
            "/orders/track", data={"code": f"OC{i:08d}", "phone": "0912345678"}
        ).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [404] * 10
    assert statuses[-1] == 429


def test_producers_see_only_their_own_orders_and_export_them(client, app):
    honey, lychee, commune = make_shop()
    group = place(client, commune, honey, lychee, name='=HYPERLINK("x")')
    honey_order = next(o for o in group.orders if o.lines[0].variant_id == honey.id)
    lychee_order = next(o for o in group.orders if o.id != honey_order.id)
    staff = app.test_client()
    login(staff, producer_staff(honey_order))
    listing = staff.get("/dashboard/orders").get_data(as_text=True)
    assert honey_order.code in listing and lychee_order.code not in listing
    assert staff.get(f"/dashboard/orders/{lychee_order.id}").status_code == 404
    assert move(staff, lychee_order, "confirmed").status_code == 404
    export = staff.get("/dashboard/orders/export.csv")
    body = export.get_data(as_text=True)
    assert export.mimetype == "text/csv"
    assert honey_order.code in body and lychee_order.code not in body
    assert honey.sku in body and "'=HYPERLINK" in body
    slip = staff.get(f"/dashboard/orders/{honey_order.id}/packing-slip.pdf")
    assert slip.mimetype == "application/pdf" and slip.data.startswith(b"%PDF")
    assert staff.get(f"/dashboard/orders/{lychee_order.id}/packing-slip.pdf").status_code == 404


def test_the_dashboard_order_page_offers_only_legal_moves(client, app):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey).orders[0]
    staff = app.test_client()
    login(staff, producer_staff(order))
    page = staff.get(f"/dashboard/orders/{order.id}?lang=en").get_data(as_text=True)
    assert "Mark as Confirmed" in page and "Mark as Cancelled" in page
    assert "Mark as Shipped" not in page


def test_transition_table_and_service_agree():
    assert services.TRANSITIONS["shipped"] == {"delivered"}
    assert services.TRANSITIONS["refunded"] == frozenset()
    assert set(services.TRANSITIONS) == set(services.STATUS_LABELS)


# (method, url): the owner's POSTs come last, so earlier checks see the order unchanged.
ROUTES = [
    ("get", "/dashboard/orders"),
    ("get", "/dashboard/orders/{order}"),
    ("get", "/dashboard/orders/{order}/packing-slip.pdf"),
    ("get", "/dashboard/orders/export.csv"),
    ("get", "/dashboard/delivery"),
    ("post", "/dashboard/orders/{order}/transfer-received"),
    ("post", "/dashboard/orders/{order}/status"),
]
OFFICE_ROUTES = [
    ("get", "/office/payments"),
    ("get", "/office/transfers"),
    ("post", "/office/transfers"),
    ("post", "/office/payments/{producer}"),
]


@pytest.fixture
def one_order(client):
    honey, _lychee, commune = make_shop()
    return place(client, commune, honey, method="vietqr").orders[0]


def signed_in(app, user=None):
    browser = app.test_client()
    if user is not None:
        login(browser, user)
    return browser


def test_dashboard_access_control(app, one_order):
    """Nobody: login; a customer: 403; another producer: 404 for this order; the owner: 200."""
    nobody = signed_in(app)
    customer = signed_in(app, make_user(Role.CUSTOMER))
    other = signed_in(app, make_user(Role.PRODUCER, producer=make_producer("HTX Khác")))
    owner = signed_in(app, make_user(Role.PRODUCER, producer=one_order.producer))
    for method, pattern in ROUTES:
        url = pattern.format(order=one_order.id)
        assert getattr(nobody, method)(url, data={}).status_code == 302, url
        assert getattr(customer, method)(url, data={}).status_code == 403, url
        response = getattr(other, method)(url, data={})
        if "{order}" in pattern:
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200, url
            assert one_order.code not in response.get_data(as_text=True)
        data = {"status": "packed"} if url.endswith("/status") else {}
        assert getattr(owner, method)(url, data=data).status_code in (200, 303), url


def test_office_access_control(app, one_order):
    nobody = signed_in(app)
    customer = signed_in(app, make_user(Role.CUSTOMER))
    staff = signed_in(app, make_user(Role.PRODUCER, producer=one_order.producer))
    office = signed_in(app, make_user(Role.OFFICE))
    for method, pattern in OFFICE_ROUTES:
        url = pattern.format(producer=one_order.producer_id)
        assert getattr(nobody, method)(url, data={}).status_code == 302, url
        assert getattr(customer, method)(url, data={}).status_code == 403, url
        assert getattr(staff, method)(url, data={}).status_code == 403, url
        data = (
            {"code": one_order.code.replace("-", ""), "amount": str(one_order.total)}
            if url == "/office/transfers" and method == "post"
            else {"methods": ["cod"]}
            if method == "post"
            else {}
        )
        assert getattr(office, method)(url, data=data).status_code in (200, 303), url


def test_customer_pages_need_the_right_customer(app, client):
    honey, _lychee, commune = make_shop()
    owner = make_user(Role.CUSTOMER)
    login(client, owner)
    group = place(client, commune, honey)
    other = app.test_client()
    login(other, make_user(Role.CUSTOMER))
    assert other.get(f"/orders/{group.code}").status_code == 404
    assert group.code not in other.get("/orders").get_data(as_text=True)
    assert client.get(f"/orders/{group.code}").status_code == 200
    assert db.session.scalar(select(OrderGroup.customer_id)) == owner.id


def test_a_producer_sets_its_delivery_fee_and_bank_account(client, app):
    honey, _lychee, commune = make_shop()
    producer = honey.product.producer
    staff = app.test_client()
    login(staff, make_user(Role.PRODUCER, producer=producer))
    bad = staff.post(
        "/dashboard/delivery?lang=en",
        data={"delivery_fee": "-5", "bank_bin": "97", "bank_account": "123456"},
    )
    assert bad.status_code == 400
    assert "between 0 and" in bad.get_data(as_text=True)
    assert "6-digit NAPAS code" in bad.get_data(as_text=True)
    assert staff.post("/dashboard/delivery", data={"delivery_fee": "abc"}).status_code == 400
    good = staff.post(
        "/dashboard/delivery",
        data={
            "delivery_fee": "20000",
            "free_delivery_from": "100000",
            "bank_bin": "970405",
            "bank_account": "2400205999999",
            "bank_account_name": "HTX MAT ONG",
        },
    )
    assert good.status_code == 303
    group = place(client, commune, honey, method="vietqr")
    assert group.orders[0].delivery_fee == 0  # 150.000 ₫ reaches the 100.000 ₫ threshold
    page = client.get(f"/orders/{group.code}").get_data(as_text=True)
    assert "2400205999999" in page and "HTX MAT ONG" in page
