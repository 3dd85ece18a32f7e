"""Payments: VietQR payloads, Stripe webhooks (hand-signed and from localstripe), the office."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import stripe
from sqlalchemy import func, select

from storefront.accounts.models import Role
from storefront.core.models import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments import vietqr
from storefront.payments.models import CardPayment, ProducerPaymentMethod, WebhookEvent
from storefront.payments.services import to_stripe_amount
from tests.conftest import login, make_user, row_count
from tests.orders_support import (
    SECRET,
    event,
    make_shop,
    place,
    place_card_order,
    sign,
    stock_of,
    use_stripe_test_keys,
)

VECTORS = Path(__file__).resolve().parent.parent / "storefront" / "data" / "vietqr_vectors.txt"


def vectors() -> list[tuple[str, str]]:
    rows = []
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            description, payload = (part.strip() for part in line.split("|"))
            rows.append((description, payload))
    return rows


@pytest.mark.parametrize(("description", "payload"), vectors())
def test_vietqr_vectors_parse_rebuild_and_check_exactly(description, payload):
    fields = vietqr.parse(payload)
    assert vietqr.is_valid(payload)
    body = "".join(vietqr.tlv(tag, value) for tag, value in fields if tag != "63")
    assert vietqr.with_crc(body) == payload
    merchant = dict(vietqr.parse(dict(fields)["38"]))
    assert merchant["00"] == "A000000727"
    assert dict(fields)["53"] == "704"
    if "dynamic" in description:
        account = dict(vietqr.parse(merchant["01"]))
        purpose = dict(vietqr.parse(dict(fields)["62"]))["08"]
        rebuilt = vietqr.payload(account["00"], account["01"], int(dict(fields)["54"]), purpose)
        assert rebuilt == payload


def test_vietqr_crc_catches_a_changed_amount():
    _description, payload = vectors()[0]
    assert not vietqr.is_valid(payload.replace("180000", "190000"))
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1


def test_vnd_goes_to_stripe_as_whole_dong():
    assert to_stripe_amount(1_250_000) == 1_250_000
    for bad in (1.5, -1, True, "100"):
        with pytest.raises(ValueError):
            to_stripe_amount(bad)


def test_the_order_page_shows_a_vietqr_code_and_bank_details(client):
    honey, lychee, commune = make_shop()
    group = place(client, commune, honey, lychee, method="vietqr")
    page = client.get(f"/orders/{group.code}?lang=en").get_data(as_text=True)
    assert page.count("<svg") == 2
    for order in group.orders:
        assert order.code.replace("-", "") in page
    assert "1017595600" in page and "Account holder" in page


def test_the_office_reconciles_a_transfer_by_order_code(client, app):
    honey, _lychee, commune = make_shop()
    order = place(client, commune, honey, method="vietqr").orders[0]
    office = app.test_client()
    login(office, make_user(Role.OFFICE))
    assert order.code.replace("-", "") in office.get("/office/transfers").get_data(as_text=True)
    wrong = office.post(
        "/office/transfers?lang=en", data={"code": order.code.replace("-", ""), "amount": "1.000"}
    )
    assert wrong.status_code == 409 and "does not match" in wrong.get_data(as_text=True)
    unknown = office.post("/office/transfers?lang=en", data={"code": "OCNOPE", "amount": "1"})
    assert unknown.status_code == 404
    bad = office.post("/office/transfers?lang=en", data={"code": "OCNOPE", "amount": "abc"})
    assert bad.status_code == 400 and "whole đồng" in bad.get_data(as_text=True)
    right = office.post(
        "/office/transfers",
        data={"code": order.code.replace("-", "").lower(), "amount": f"{order.total:,} ₫"},
    )
    assert right.status_code == 303
    db.session.refresh(order)
    assert (order.payment_status, order.status) == ("paid", "confirmed")


def test_the_office_enables_payment_methods_per_producer(client, app):
    honey, _lychee, _commune = make_shop(methods=())
    producer = honey.product.producer
    office = app.test_client()
    login(office, make_user(Role.OFFICE))
    response = office.post(f"/office/payments/{producer.id}", data={"methods": ["cod", "vietqr"]})
    assert response.status_code == 303
    methods = db.session.scalars(
        select(ProducerPaymentMethod.method).where(ProducerPaymentMethod.producer_id == producer.id)
    ).all()
    assert sorted(methods) == ["cod", "vietqr"]
    bad = office.post(f"/office/payments/{producer.id}", data={"methods": ["bitcoin"]})
    assert bad.status_code == 400
    assert office.post("/office/payments/999999", data={"methods": ["cod"]}).status_code == 404
    page = office.get("/office/payments?lang=en").get_data(as_text=True)
    assert producer.name in page and "Bank transfer (VietQR)" in page


# Stripe webhooks signed by hand, as Stripe signs them.


@pytest.fixture
def stripe_config(app, monkeypatch):
    return use_stripe_test_keys(app, monkeypatch)


@pytest.fixture
def card_order(client, stripe_config):
    return place_card_order(client, "pi_hand_1")


def post_webhook(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/payments/stripe/webhook", data=body, headers=headers)


def paid_orders() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Order).where(Order.payment_status == "paid")
    )


@pytest.mark.parametrize(
    "signature",
    [None, "garbage", sign(b"other body"), sign(b"x", secret="whsec_wrong"), "t=1,v1=00"],
)
def test_a_badly_signed_webhook_is_400_and_changes_nothing(client, card_order, signature):
    body = event("payment_intent.succeeded", "pi_hand_1", card_order.total)
    if signature and signature.startswith("t=") and "v1=00" not in signature:
        signature = signature  # signed over another body or with another secret
    response = post_webhook(client, body, signature)
    assert response.status_code == 400
    assert paid_orders() == 0
    assert row_count(WebhookEvent) == 0


def test_an_old_signature_is_refused(client, card_order):
    body = event("payment_intent.succeeded", "pi_hand_1", card_order.total)
    assert post_webhook(client, body, sign(body, at=int(time.time()) - 600)).status_code == 400
    assert paid_orders() == 0


def test_the_same_event_ten_times_changes_the_orders_once(client, card_order):
    body = event("payment_intent.succeeded", "pi_hand_1", card_order.total)
    for _ in range(10):
        assert post_webhook(client, body, sign(body)).status_code == 200
    assert paid_orders() == 2
    assert row_count(WebhookEvent) == 1
    paid_mail = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "order_paid")
    )
    assert paid_mail == 2
    # A different event for the same intent (Stripe retries with new ids too) changes nothing.
    other = event("payment_intent.succeeded", "pi_hand_1", card_order.total, "evt_2")
    assert post_webhook(client, other, sign(other)).status_code == 200
    assert paid_orders() == 2
    statuses = {o.status for o in db.session.scalars(select(Order))}
    assert statuses == {"confirmed"}


def test_a_wrong_amount_does_not_mark_anything_paid(client, card_order):
    body = event("payment_intent.succeeded", "pi_hand_1", 1000)
    assert post_webhook(client, body, sign(body)).status_code == 200
    assert paid_orders() == 0


def test_a_failed_then_cancelled_intent(client, card_order):
    failed = event("payment_intent.payment_failed", "pi_hand_1", card_order.total, "evt_f")
    assert post_webhook(client, failed, sign(failed)).status_code == 200
    page = client.get(f"/orders/{card_order.code}/pay/card/return?lang=en")
    assert "did not go through" in page.get_data(as_text=True)
    assert paid_orders() == 0
    cancelled = event("payment_intent.canceled", "pi_hand_1", card_order.total, "evt_c")
    assert post_webhook(client, cancelled, sign(cancelled)).status_code == 200
    db.session.expire_all()
    assert {o.status for o in db.session.scalars(select(Order))} == {"cancelled"}
    line_variants = [o.lines[0].variant_id for o in card_order.orders]
    from storefront.catalog.models import Variant

    assert all(db.session.get(Variant, v).stock == 50 for v in line_variants)


def test_the_return_page_only_shows_status(client, card_order):
    page = client.get(f"/orders/{card_order.code}/pay/card/return?lang=en")
    assert "waiting for the card processor" in page.get_data(as_text=True)
    assert paid_orders() == 0


def test_the_card_page_loads_without_stripe_js(client, card_order, stripe_config):
    page = client.get(f"/orders/{card_order.code}/pay/card?lang=en").get_data(as_text=True)
    assert 'data-secret="pi_hand_1_secret"' in page
    assert 'data-key="pk_test_orders"' in page
    assert "sk_test" not in page


# End to end against localstripe, a fake Stripe server run on loopback.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def localstripe():
    port = free_port()
    code = (
        "import aiohttp.web, logging\n"
        "from localstripe.server import app\n"
        f"aiohttp.web.run_app(app, host='127.0.0.1', port={port}, print=None)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("localstripe did not start")
    yield base
    process.terminate()
    process.wait(timeout=10)


def wait_for(predicate, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_card_payment_end_to_end_with_localstripe(
    client, stripe_config, localstripe, live_server, monkeypatch
):
    import urllib.request

    monkeypatch.setitem(stripe_config, "STRIPE_API_BASE", localstripe)
    urllib.request.urlopen(urllib.request.Request(f"{localstripe}/_config/data", method="DELETE"))
    form = (
        f"url={live_server}/payments/stripe/webhook&secret={SECRET}"
        "&events[]=payment_intent.succeeded&events[]=payment_intent.payment_failed"
    ).encode()
    urllib.request.urlopen(f"{localstripe}/_config/webhooks/orders", data=form)

    honey, lychee, commune = make_shop(methods=("card",))
    group = place(client, commune, honey, lychee, method="card")
    page = client.get(f"/orders/{group.code}/pay/card?lang=en")
    assert page.status_code == 200
    payment = db.session.scalar(select(CardPayment))
    assert payment.amount == group.total
    assert f'data-secret="{payment.client_secret}"' in page.get_data(as_text=True)
    # Reloading the page reuses the intent.
    client.get(f"/orders/{group.code}/pay/card")
    assert row_count(CardPayment) == 1

    # What Stripe.js does in the browser: attach the card and confirm the intent.
    stripe_api = stripe.StripeClient("sk_test_orders", base_addresses={"api": localstripe})
    intent = stripe_api.v1.payment_intents.retrieve(payment.intent_id)
    assert (intent.amount, intent.currency) == (group.total, "vnd")
    assert intent.metadata["order_group"] == group.code
    stripe_api.v1.payment_intents.update(
        payment.intent_id, params={"payment_method": "pm_card_visa"}
    )
    assert stripe_api.v1.payment_intents.confirm(payment.intent_id).status == "succeeded"

    assert wait_for(lambda: paid_orders() == 2), "the webhook never marked the orders paid"
    back = client.get(f"/orders/{group.code}/pay/card/return?lang=en").get_data(as_text=True)
    assert "Payment received" in back
    assert row_count(WebhookEvent) == 1
    assert stock_of(honey) == 49


def start_card_payment(client, localstripe, stripe_config, monkeypatch):
    """A card order whose intent exists in localstripe; returns (group, payment, Stripe client)."""
    import urllib.request

    monkeypatch.setitem(stripe_config, "STRIPE_API_BASE", localstripe)
    urllib.request.urlopen(urllib.request.Request(f"{localstripe}/_config/data", method="DELETE"))
    honey, _lychee, commune = make_shop(methods=("card",))
    group = place(client, commune, honey, method="card")
    assert client.get(f"/orders/{group.code}/pay/card").status_code == 200
    payment = db.session.scalar(select(CardPayment))
    api = stripe.StripeClient("sk_test_orders", base_addresses={"api": localstripe})
    return group, payment, api


def test_a_declined_card_leaves_the_order_waiting(
    client, stripe_config, localstripe, live_server, monkeypatch
):
    import urllib.request

    group, payment, api = start_card_payment(client, localstripe, stripe_config, monkeypatch)
    form = (
        f"url={live_server}/payments/stripe/webhook&secret={SECRET}"
        "&events[]=payment_intent.succeeded&events[]=payment_intent.payment_failed"
    ).encode()
    urllib.request.urlopen(f"{localstripe}/_config/webhooks/orders", data=form)
    api.v1.payment_intents.update(
        payment.intent_id, params={"payment_method": "pm_card_chargeCustomerFail"}
    )
    with pytest.raises(stripe.CardError):
        api.v1.payment_intents.confirm(payment.intent_id)

    def failed() -> bool:
        db.session.expire_all()
        return db.session.get(CardPayment, payment.id).last_error is not None

    assert wait_for(failed), "the payment_failed webhook never arrived"
    back = client.get(f"/orders/{group.code}/pay/card/return?lang=en").get_data(as_text=True)
    assert "did not go through" in back
    assert paid_orders() == 0
    assert db.session.scalar(select(Order.status)) == "placed"


def test_expiry_cancels_the_stripe_intent(app, client, stripe_config, localstripe, monkeypatch):
    from datetime import UTC, datetime, timedelta

    group, payment, api = start_card_payment(client, localstripe, stripe_config, monkeypatch)
    group.pay_by = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire"])
    assert "Cancelled 1 unpaid order(s)." in result.output
    assert api.v1.payment_intents.retrieve(payment.intent_id).status == "canceled"
