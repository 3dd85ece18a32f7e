"""Cart and checkout: what a buyer sees, and every way the input can be wrong."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.cart.models import Cart, CartItem
from storefront.core.models import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order, OrderGroup
from tests.conftest import login, make_user, revoke
from tests.orders_support import add, checkout_form, counts, make_shop, stock_of


def test_guest_buys_from_two_producers_in_one_checkout(client):
    honey, lychee, commune = make_shop()
    assert add(client, honey, 2).status_code == 303
    assert add(client, lychee, 3).status_code == 303
    cart = client.get("/cart?lang=en").get_data(as_text=True)
    assert "HTX Mật ong Yên Thế" in cart and "HTX Vải thiều Lục Ngạn" in cart
    assert 'class="cart-count">5<' in cart

    response = client.post("/checkout", data=checkout_form(client, commune))
    assert response.status_code == 303
    group = db.session.scalar(select(OrderGroup))
    assert response.headers["Location"].endswith(f"/orders/{group.code}")
    by_producer = {o.producer_name: o for o in group.orders}
    honey_order = by_producer["HTX Mật ong Yên Thế"]
    lychee_order = by_producer["HTX Vải thiều Lục Ngạn"]
    assert (honey_order.subtotal, honey_order.delivery_fee) == (300_000, 30_000)
    # 600.000 ₫ reaches this producer's free-delivery threshold of 500.000 ₫.
    assert (lychee_order.subtotal, lychee_order.delivery_fee) == (600_000, 0)
    assert group.total == 930_000
    assert group.phone == "0912345678"
    line = honey_order.lines[0]
    assert (line.product_name, line.sku, line.unit_price, line.quantity) == (
        "Mật ong rừng Yên Thế",
        honey.sku,
        150_000,
        2,
    )
    assert (stock_of(honey), stock_of(lychee)) == (48, 47)
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert group.code in page and honey_order.code in page and "Pay on delivery" in page
    assert client.get("/cart").get_data(as_text=True).count('class="line"') == 0
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.to for m in mail] == ["hoa@example.vn", "mat-ong@example.vn"]
    assert group.code in mail[0].subject


def test_a_snapshot_survives_later_edits(client):
    honey, _lychee, commune = make_shop()
    add(client, honey, 1)
    client.post("/checkout", data=checkout_form(client, commune))
    honey.price = 1
    honey.product.name_vi = "Tên mới"
    db.session.commit()
    line = db.session.scalar(select(Order)).lines[0]
    assert (line.product_name, line.unit_price) == ("Mật ong rừng Yên Thế", 150_000)


def test_placing_twice_with_the_same_form_makes_one_order(client):
    honey, _lychee, commune = make_shop()
    add(client, honey, 2)
    form = checkout_form(client, commune)
    first = client.post("/checkout", data=form)
    again = client.post("/checkout", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert counts() == (1, 1)
    assert stock_of(honey) == 48


def test_a_posted_price_is_ignored(client):
    honey, _lychee, commune = make_shop()
    client.post("/cart/add", data={"variant_id": honey.id, "quantity": 1, "price": 1})
    response = client.post(
        "/checkout", data=checkout_form(client, commune, price="1", total="1", unit_price="1")
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Order)).subtotal == 150_000


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", "at least 1"),
        ("0", "at least 1"),
        ("100", "at most 99"),
        ("99999999999", "whole number"),
        ("abc", "whole number"),
        ("1.5", "whole number"),
        ("", "whole number"),
    ],
)
def test_bad_quantities_are_refused_with_a_message(client, quantity, message):
    honey, _lychee, _commune = make_shop()
    response = client.post(
        "/cart/add?lang=en", data={"variant_id": str(honey.id), "quantity": quantity}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(CartItem)) is None


def test_more_than_the_stock_is_refused(client):
    honey, _lychee, _commune = make_shop(stock=3)
    response = add(client, honey, 4)
    assert response.status_code == 409
    assert "Only 3 of" in response.get_data(as_text=True)
    add(client, honey, 3)
    item = db.session.scalar(select(CartItem))
    response = client.post(f"/cart/items/{item.id}", data={"quantity": "5"})
    assert response.status_code == 409
    db.session.refresh(item)
    assert item.quantity == 3


def test_unknown_variants_and_unsellable_products_cannot_be_added(client):
    honey, _lychee, _commune = make_shop()
    assert add(client, 999999).status_code == 409
    assert client.post("/cart/add", data={"variant_id": "x", "quantity": "1"}).status_code == 400
    revoke(honey.product.certificates[-1])
    response = add(client, honey)
    assert response.status_code == 409
    assert "cannot be bought" in response.get_data(as_text=True)


def test_cart_lines_can_be_changed_and_removed(client):
    honey, lychee, _commune = make_shop()
    add(client, honey, 1)
    add(client, lychee, 1)
    add(client, honey, 2)
    items = db.session.scalars(select(CartItem).order_by(CartItem.id)).all()
    assert [i.quantity for i in items] == [3, 1]
    client.post(f"/cart/items/{items[0].id}", data={"quantity": "5"})
    client.post(f"/cart/items/{items[1].id}", data={"quantity": "1", "remove": "1"})
    db.session.expire_all()
    assert [(i.variant_id, i.quantity) for i in db.session.scalars(select(CartItem))] == [
        (honey.id, 5)
    ]
    assert client.post("/cart/items/999999", data={"quantity": "1"}).status_code == 404


@pytest.mark.parametrize("how", ["delisted", "revoked", "producer suspended"])
def test_a_product_withdrawn_before_checkout_is_removed_with_a_message(client, how):
    honey, lychee, commune = make_shop()
    add(client, honey, 1)
    add(client, lychee, 1)
    form = checkout_form(client, commune)
    if how == "delisted":
        honey.product.is_listed = False
    elif how == "revoked":
        revoke(honey.product.certificates[-1])
    else:
        honey.product.producer.status = "suspended"
    db.session.commit()
    response = client.post("/checkout?lang=en", data=form)
    assert response.status_code == 409
    assert "can no longer be bought and was removed" in response.get_data(as_text=True)
    assert counts() == (0, 0)
    assert stock_of(lychee) == 50
    assert [i.variant_id for i in db.session.scalars(select(CartItem))] == [lychee.id]


def test_stock_that_ran_out_since_the_cart_was_filled_is_explained(client):
    honey, _lychee, commune = make_shop(stock=5)
    add(client, honey, 4)
    form = checkout_form(client, commune)
    honey.stock = 2
    db.session.commit()
    response = client.post("/checkout?lang=en", data=form)
    assert response.status_code == 409
    assert "Only 2 of" in response.get_data(as_text=True)
    assert counts() == (0, 0)
    assert db.session.scalar(select(CartItem)).quantity == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("payment_method", "bitcoin", "Not a valid choice"),
        ("payment_method", "card", "Not a valid choice"),
        ("phone", "12345", "Vietnamese phone number"),
        ("name", "", "This field is required"),
        ("email", "not-an-email", "Invalid email"),
        ("commune", "999999", "Not a valid choice"),
        ("checkout_token", "forged", "cart changed"),
    ],
)
def test_bad_checkout_input_is_a_4xx_and_saves_nothing(client, field, value, message):
    honey, _lychee, commune = make_shop()
    add(client, honey, 1)
    response = client.post(
        "/checkout?lang=en", data=checkout_form(client, commune, **{field: value})
    )
    assert response.status_code in (400, 409)
    assert message in response.get_data(as_text=True)
    assert counts() == (0, 0)
    assert stock_of(honey) == 50


def test_a_commune_of_another_province_is_refused(client):
    from storefront.places.models import Place

    honey, _lychee, commune = make_shop()
    other = Place(
        era="current",
        level="province",
        code="01",
        name="Thành phố Hà Nội",
        short_name="Hà Nội",
        slug="ha-noi",
        search_key="ha noi",
    )
    db.session.add(other)
    db.session.commit()
    add(client, honey, 1)
    response = client.post(
        "/checkout?lang=en", data=checkout_form(client, commune, province=str(other.id))
    )
    assert response.status_code == 400
    assert "commune in the chosen province" in response.get_data(as_text=True)


def test_an_expired_cart_cannot_be_checked_out(client):
    honey, _lychee, commune = make_shop()
    add(client, honey, 1)
    form = checkout_form(client, commune)
    cart = db.session.scalar(select(Cart))
    cart.updated_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()
    response = client.post("/checkout?lang=en", data=form)
    assert response.status_code == 400
    assert "Your cart has expired" in response.get_data(as_text=True)
    assert counts() == (0, 0)
    assert stock_of(honey) == 50


def test_a_changed_cart_invalidates_an_open_checkout_page(client):
    honey, lychee, commune = make_shop()
    add(client, honey, 1)
    form = checkout_form(client, commune)
    add(client, lychee, 1)
    response = client.post("/checkout?lang=en", data=form)
    assert response.status_code == 409
    assert "cart changed" in response.get_data(as_text=True)
    assert counts() == (0, 0)


def test_producers_without_a_common_method_cannot_be_bought_together(client):
    honey, lychee, _commune = make_shop(methods=())
    from tests.orders_support import enable

    enable(honey.product.producer, "cod")
    enable(lychee.product.producer, "vietqr")
    add(client, honey, 1)
    add(client, lychee, 1)
    page = client.get("/checkout?lang=en").get_data(as_text=True)
    assert "no payment method in common" in page


def test_the_guest_cart_joins_the_customer_cart_on_sign_in(client):
    honey, lychee, _commune = make_shop()
    customer = make_user(Role.CUSTOMER)
    login(client, customer)
    add(client, honey, 1)
    client.post("/logout", data={})
    add(client, honey, 2)
    add(client, lychee, 1)
    login(client, customer)
    carts = db.session.scalars(select(Cart)).all()
    assert len(carts) == 1 and carts[0].user_id == customer.id
    assert sorted((i.variant_id, i.quantity) for i in carts[0].items) == [
        (honey.id, 3),
        (lychee.id, 1),
    ]


def test_the_product_page_offers_the_add_form_only_when_sellable(client):
    honey, _lychee, _commune = make_shop()
    slug = honey.product.slug
    page = client.get(f"/products/{slug}?lang=en").get_data(as_text=True)
    assert "Add to cart" in page and 'name="csrf_token"' in page
    revoke(honey.product.certificates[-1])
    assert "Add to cart" not in client.get(f"/products/{slug}?lang=en").get_data(as_text=True)


def test_signed_in_customers_see_their_orders(client):
    honey, _lychee, commune = make_shop()
    customer = make_user(Role.CUSTOMER)
    login(client, customer)
    add(client, honey, 1)
    client.post("/checkout", data=checkout_form(client, commune))
    group = db.session.scalar(select(OrderGroup))
    assert group.customer_id == customer.id
    assert group.code in client.get("/orders").get_data(as_text=True)
    client.post("/logout", data={})
    assert client.get(f"/orders/{group.code}").status_code == 404
    assert client.get("/orders").status_code == 302
