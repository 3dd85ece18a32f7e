"""Access control GENERATED over every /dashboard and /office route of the app.

For each rule the test fills the URL variables with the first producer's objects and checks:
nobody is sent to the login page, a customer gets 403, another producer's staff gets 403 or 404,
and the right user (the producer's staff for /dashboard, the office for /office) gets the page.

A rule with a URL variable that URL_VARIABLES does not know FAILS: add a mapping below.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from werkzeug.routing import Map, Rule

from storefront import create_app
from storefront.accounts.models import Role, User
from storefront.catalog.models import ProductImage
from storefront.config import TestConfig
from storefront.extensions import db
from tests.backoffice_helpers import fast_user, fresh_request_state  # noqa: F401
from tests.conftest import make_producer, make_product

AREAS = ("/dashboard", "/office")

# URL variable -> the id of the FIRST producer's object of that kind. Each function receives the
# `world` namespace built by `first_producer_world` and may create what it needs (for instance a
# batch or an order of world.product) before returning its id.
URL_VARIABLES: dict[str, Callable[[SimpleNamespace], int]] = {
    "producer_id": lambda w: w.producer.id,
    "product_id": lambda w: w.product.id,
    "variant_id": lambda w: w.product.variants[0].id,
    "image_id": lambda w: w.image.id,
    "certificate_id": lambda w: w.product.certificates[0].id,
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
        staff=fast_user(Role.PRODUCER, producer=first),
        other_staff=fast_user(Role.PRODUCER, producer=other),
        customer=fast_user(Role.CUSTOMER),
        office=fast_user(Role.OFFICE),
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
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={})


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
    rule = Rule("/dashboard/batches/<int:batch_id>", endpoint="trace.batch")
    Map([rule])
    with pytest.raises(pytest.fail.Exception, match="Add an entry 'batch_id'"):
        _url(rule, world)
