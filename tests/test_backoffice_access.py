"""Access control GENERATED over every /dashboard and /office route of the app.

For each rule the test fills the URL variables with the first producer's objects and checks:
nobody is sent to the login page, a customer gets 403, another producer's staff gets 403 or 404,
and the right user (the producer's staff for /dashboard, the office for /office) gets the page.

A rule with a URL variable that URL_VARIABLES does not know FAILS: add a mapping below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from werkzeug.routing import Map, Rule

from storefront import create_app
from storefront.accounts.models import Role, User
from storefront.catalog.models import ProductImage
from storefront.catalog.product_sets import TOURISM_SET
from storefront.config import TestConfig
from storefront.core.clock import today_in_vietnam
from storefront.events.models import Event, EventParticipant, TourismSlot
from storefront.extensions import db
from storefront.orders.models import Order, OrderGroup, OrderLine
from storefront.trace.models import ProblemReport, StampRun
from storefront.trace.services import complete_run
from tests.conftest import make_producer, make_product, make_user
from tests.orders_support import make_commune
from tests.trace_helpers import make_area, make_batch

AREAS = ("/dashboard", "/office")


# URL variable -> the id of the FIRST producer's object of that kind. Each function receives the
# `world` namespace built by `first_producer_world` and may create what it needs (for instance a
# batch or an order of world.product) before returning its id.
def _order(w: SimpleNamespace) -> int:
    place = make_commune()
    variant = w.product.variants[0]
    group = OrderGroup(
        code="G-ACCESS",
        checkout_token="access",
        name="Khách",
        phone="0912345678",
        address_line="1 Lê Lợi",
        place_id=place.id,
        payment_method="vietqr",
        total=120_000,
    )
    order = Order(
        group=group,
        producer_id=w.producer.id,
        code="G-ACCESS-1",
        producer_name=w.producer.name,
        payment_status="pending",
        subtotal=120_000,
        delivery_fee=0,
        total=120_000,
    )
    order.lines.append(
        OrderLine(
            variant_id=variant.id,
            product_name=w.product.name_vi,
            variant_label=variant.label_vi,
            producer_name=w.producer.name,
            sku=variant.sku,
            unit_price=120_000,
            quantity=1,
            line_total=120_000,
        )
    )
    db.session.add(group)
    db.session.commit()
    return order.id


def _event(w: SimpleNamespace) -> int:
    today = today_in_vietnam()
    event = Event(
        slug="hoi-cho-access",
        name_vi="Hội chợ",
        name_en="Fair",
        starts_on=today,
        ends_on=today + timedelta(days=2),
        venue="Quảng trường 3/2",
        is_published=True,
    )
    event.participants.append(EventParticipant(producer_id=w.producer.id))
    db.session.add(event)
    db.session.commit()
    return event.id


def _batch(w: SimpleNamespace) -> int:
    if not hasattr(w, "batch"):
        w.batch = make_batch(w.product)
    return w.batch.id


def _run(w: SimpleNamespace) -> int:
    """A finished run with its sheet and PIN sheet on disk, so that every run page opens."""
    _batch(w)
    run = StampRun(batch_id=w.batch.id, count=2, layout="a4", with_pin=True)
    db.session.add(run)
    db.session.commit()
    return complete_run(run.id).id


def _report(w: SimpleNamespace) -> int:
    report = ProblemReport(code_as_entered="FORGED", kind="other", message="Tem lạ")
    db.session.add(report)
    db.session.commit()
    return report.id


def _slot(w: SimpleNamespace) -> int:
    w.product.product_set = TOURISM_SET
    slot = TourismSlot(
        product_id=w.product.id, starts_at=datetime.now(UTC) + timedelta(days=7), capacity=10
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


# URL variable -> the id of the FIRST producer's object of that kind. Each function receives the
# `world` namespace built by `first_producer_world` and may create what it needs (for instance a
# batch or an order of world.product) before returning its id.
URL_VARIABLES: dict[str, Callable[[SimpleNamespace], int]] = {
    "producer_id": lambda w: w.producer.id,
    "product_id": lambda w: w.product.id,
    "variant_id": lambda w: w.product.variants[0].id,
    "image_id": lambda w: w.image.id,
    "certificate_id": lambda w: w.product.certificates[0].id,
    "order_id": _order,
    "event_id": _event,
    "area_id": lambda w: make_area(w.product).id,
    "batch_id": _batch,
    "run_id": _run,
    "report_id": _report,
    "slot_id": _slot,
}


def _backoffice_rules() -> list[Rule]:
    app = create_app(TestConfig)
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(AREAS)),
        key=lambda r: r.rule,
    )


RULES = _backoffice_rules()


@pytest.fixture
def world() -> SimpleNamespace:
    first = make_producer("HTX Mật ong Hồng Xuân")
    product = make_product("Mật ong hoa vải", producer=first)
    image = ProductImage(
        product_id=product.id, path="img/x.jpg", thumb_path="img/x-thumb.jpg", width=4, height=3
    )
    db.session.add(image)
    db.session.commit()
    other = make_producer("HTX Gà đồi Yên Thế")
    make_product("Gà đồi Yên Thế", producer=other)
    return SimpleNamespace(
        producer=first,
        product=product,
        image=image,
        staff=make_user(Role.PRODUCER, producer=first),
        other_staff=make_user(Role.PRODUCER, producer=other),
        customer=make_user(Role.CUSTOMER),
        office=make_user(Role.OFFICE),
    )


def _url(rule: Rule, world: SimpleNamespace) -> str:
    values = {}
    for name in sorted(rule.arguments):
        if name not in URL_VARIABLES:
            pytest.fail(
                f"{rule.rule} ({rule.endpoint}) has the URL variable <{name}>, which this "
                f"generated access test cannot fill. Add an entry {name!r}: lambda w: <the first "
                "producer's object id> to URL_VARIABLES in tests/test_backoffice_access.py.",
                pytrace=False,
            )
        values[name] = URL_VARIABLES[name](world)
    return rule.build(values)[1]


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _sign_in(client, user: User | None) -> None:
    if user is None:
        return
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _request(client, method: str, url: str):
    response = client.get(url) if method == "GET" else client.open(url, method=method, data={})
    response.close()  # downloads are streamed from files
    return response


def check_nobody_is_sent_to_login(client, url: str, rule: Rule) -> None:
    for method in _methods(rule):
        response = _request(client, method, url)
        assert response.status_code == 302, ("nobody", method, url, response.status_code)
        assert "/login" in response.headers["Location"], ("nobody", method, url)


def check_a_customer_is_refused(client, url: str, rule: Rule, world) -> None:
    _sign_in(client, world.customer)
    for method in _methods(rule):
        assert _request(client, method, url).status_code == 403, ("customer", method, url)


def check_another_producers_staff_gets_nothing(client, url: str, rule: Rule, world) -> None:
    _sign_in(client, world.other_staff)
    for method in _methods(rule):
        response = _request(client, method, url)
        if rule.rule.startswith("/office"):
            assert response.status_code == 403, ("other producer", method, url)
        elif rule.arguments:
            assert response.status_code in (403, 404), (
                "other producer",
                method,
                url,
                response.status_code,
            )
        elif method == "GET":
            # Its own pages open, and show nothing of the first producer.
            assert response.status_code == 200, ("other producer", method, url)
            assert world.product.name_vi not in response.get_data(as_text=True), url
    db.session.expire_all()
    assert world.product.name_vi == "Mật ong hoa vải"
    assert world.product.variants[0].price == 120_000


def check_the_right_user_gets_the_page(client, url: str, rule: Rule, world) -> None:
    right = world.staff if rule.rule.startswith("/dashboard") else world.office
    wrong = world.office if rule.rule.startswith("/dashboard") else world.staff
    _sign_in(client, wrong)
    assert _request(client, _methods(rule)[0], url).status_code == 403, ("wrong area", url)
    _sign_in(client, right)
    for method in _methods(rule):
        response = _request(client, method, url)
        if method == "GET":
            assert response.status_code == 200, ("right user", method, url, response.status_code)
        else:  # an empty form: refused as bad input or redirected, never forbidden
            assert response.status_code not in (401, 403, 404), ("right user", method, url)
            assert response.status_code < 500, ("right user", method, url)


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.endpoint}:{r.rule}" for r in RULES])
def test_backoffice_route_access(app, world, rule):
    """Nobody: login; customer: 403; other producer: 403/404; the right user: the page."""
    url = _url(rule, world)
    check_nobody_is_sent_to_login(app.test_client(), url, rule)
    check_a_customer_is_refused(app.test_client(), url, rule, world)
    check_another_producers_staff_gets_nothing(app.test_client(), url, rule, world)
    check_the_right_user_gets_the_page(app.test_client(), url, rule, world)


def test_a_route_with_an_unknown_url_variable_fails_with_instructions(world):
    rule = Rule("/dashboard/widgets/<int:widget_id>", endpoint="widgets.widget")
    Map([rule])
    with pytest.raises(pytest.fail.Exception, match="Add an entry 'widget_id'"):
        _url(rule, world)
