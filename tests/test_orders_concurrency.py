"""Real threads on PostgreSQL: no unit sold twice, no deadlock, no payment counted twice."""

import threading

from sqlalchemy import func, select

from storefront.cart.models import Cart, CartItem
from storefront.catalog.models import Variant
from storefront.core.errors import UserError
from storefront.core.models import AuditEntry, OutboxMessage
from storefront.extensions import db
from storefront.orders import services
from storefront.orders.models import Order, OrderGroup
from storefront.payments.models import WebhookEvent
from tests.conftest import postgres_only, row_count
from tests.orders_support import (
    event,
    make_shop,
    place,
    place_card_order,
    sign,
    use_stripe_test_keys,
)


def make_cart(*variants: Variant, token: str) -> int:
    cart = Cart(token=f"cart-{token}", checkout_token=token)
    cart.items = [CartItem(kind="product", variant_id=v.id, quantity=1) for v in variants]
    db.session.add(cart)
    db.session.commit()
    return cart.id


def buyer(place_id: int, method: str = "cod") -> services.Buyer:
    return services.Buyer(
        name="Trần Văn Nam",
        phone="0912345678",
        email=None,
        address_line="Thôn Đông",
        place_id=place_id,
        note="",
        payment_method=method,
    )


def run_together(app, jobs) -> list:
    """Run each job in its own thread, with its own request context and session, all at once."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        with app.test_request_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as error:  # collected and asserted on by the caller
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def checkout_job(cart_id: int, token: str, place_id: int):
    def job():
        return services.place_order(db.session.get(Cart, cart_id), buyer(place_id), token, None).id

    return job


@postgres_only
def test_fifty_buyers_for_the_last_ten_units(app):
    honey, _lychee, commune = make_shop(stock=10)
    carts = [(make_cart(honey, token=f"t{i}"), f"t{i}") for i in range(50)]
    results = run_together(app, [checkout_job(c, t, commune.id) for c, t in carts])
    placed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, UserError)]
    assert len(placed) == 10
    assert len(refused) == 40, [r for r in results if not isinstance(r, (int, UserError))]
    assert row_count(OrderGroup) == 10
    assert db.session.get(Variant, honey.id).stock == 0


@postgres_only
def test_carts_with_the_same_products_in_opposite_order_never_deadlock(app):
    honey, lychee, commune = make_shop(stock=100)
    jobs = []
    for i in range(16):
        pair = (honey, lychee) if i % 2 else (lychee, honey)
        jobs.append(checkout_job(make_cart(*pair, token=f"o{i}"), f"o{i}", commune.id))
    results = run_together(app, jobs)
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    assert db.session.get(Variant, honey.id).stock == 84
    assert db.session.get(Variant, lychee.id).stock == 84


@postgres_only
def test_two_concurrent_submissions_of_one_form_make_one_order(app):
    honey, lychee, commune = make_shop()
    cart_id = make_cart(honey, lychee, token="same")
    results = run_together(app, [checkout_job(cart_id, "same", commune.id) for _ in range(2)])
    assert results[0] == results[1] and isinstance(results[0], int), results
    assert row_count(OrderGroup) == 1
    assert row_count(Order) == 2
    db.session.expire_all()
    assert db.session.get(Variant, honey.id).stock == 49


@postgres_only
def test_a_webhook_racing_the_return_page_pays_once(app, client, monkeypatch):
    use_stripe_test_keys(app, monkeypatch)
    group = place_card_order(client, "pi_race")
    code = group.code
    bodies = [
        event("payment_intent.succeeded", "pi_race", group.total, f"evt_{i % 3}") for i in range(6)
    ]

    def webhook(body):
        return lambda: (
            app.test_client()
            .post(
                "/payments/stripe/webhook",
                data=body,
                headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"},
            )
            .status_code
        )

    def return_page():
        browser = app.test_client()
        with browser.session_transaction() as session:
            session["orders_seen"] = [code]
        return browser.get(f"/orders/{code}/pay/card/return").status_code

    results = run_together(app, [webhook(b) for b in bodies] + [return_page for _ in range(4)])
    assert results == [200] * 10
    db.session.expire_all()
    assert {o.payment_status for o in db.session.scalars(select(Order))} == {"paid"}
    assert row_count(WebhookEvent) == 3
    paid_mail = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "order_paid")
    )
    assert paid_mail == 2  # one per producer's order, however many notices came
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "order.paid")
        )
        == 2
    )


@postgres_only
def test_expiry_runs_concurrently_without_returning_stock_twice(app, client):
    from datetime import UTC, datetime, timedelta

    honey, _lychee, commune = make_shop(stock=20)
    for _ in range(5):
        place(client, commune, honey, method="vietqr")
    for group in db.session.scalars(select(OrderGroup)):
        group.pay_by = datetime.now(UTC) - timedelta(minutes=5)
    db.session.commit()
    results = run_together(app, [lambda: len(services.expire_unpaid()) for _ in range(3)])
    assert sum(results) == 5, results
    db.session.expire_all()
    assert db.session.get(Variant, honey.id).stock == 20
