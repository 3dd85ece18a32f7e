"""Accounts: registration, password policy, resets and invitations, login limits, cookies."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront import create_app
from storefront.accounts.models import Role, User
from storefront.accounts.services import make_token, password_problem, user_for_token
from storefront.config import ProductionConfig
from storefront.core.errors import UserError
from storefront.core.models import AuditEntry, OutboxMessage
from storefront.extensions import db
from tests.conftest import PASSWORD, login, make_producer, make_user

NEW_PASSWORD = "mùa vải chín đỏ 2026"


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def outbox(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def link_in(message: OutboxMessage) -> str:
    match = re.search(r"http://localhost(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_customer_registers_and_is_signed_in(client):
    response = client.post(
        "/register?lang=en",
        data={
            "name": "Chị Lan",
            "email": "Lan@Example.vn",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "lan@example.vn"))
    assert user.role == Role.CUSTOMER
    assert user.password_hash.startswith("scrypt:")
    assert "Sign out" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "at least 10 characters"),
        ("1234567890", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("lan.nguyen-2026!", "email address"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, password, message):
    response = client.post(
        "/register?lang=en",
        data={
            "name": "Lan",
            "email": "lan.nguyen@example.vn",
            "password": password,
            "confirm": password,
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert users() == 0


def test_password_policy_accepts_a_sentence():
    assert password_problem(NEW_PASSWORD, "lan@example.vn") is None


def test_registering_a_taken_email_says_so(client):
    make_user(email="lan@example.vn")
    response = client.post(
        "/register?lang=en",
        data={
            "name": "Lan",
            "email": "LAN@example.vn",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert users() == 1


def test_forms_without_csrf_token_are_refused(client):
    response = client.post("/register", data={"name": "x", "email": "x@example.vn"}, csrf=False)
    assert response.status_code == 400
    assert users() == 0


def test_password_reset_by_signed_link_works_once(client):
    user = make_user(email="lan@example.vn")
    response = client.post("/password/forgot?lang=en", data={"email": "lan@example.vn"})
    assert response.status_code == 302
    [mail] = outbox("password_reset")
    assert mail.to == "lan@example.vn"
    link = link_in(mail)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    )
    login(client, user, NEW_PASSWORD)
    # The link is tied to the old password hash: it cannot be used again.
    again = client.post(
        link + "?lang=en",
        data={"password": "another long one 42", "confirm": "another long one 42"},
    )
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client):
    known = client.post("/password/forgot?lang=en", data={"email": "nobody@example.vn"})
    assert known.status_code == 302
    assert outbox("password_reset") == []


def test_reset_links_expire_and_cannot_be_forged(app, client):
    user = make_user()
    token = make_token(user, "reset")
    with app.test_request_context(), pytest.raises(UserError) as expired:
        user_for_token(token, "reset", max_age=-1)
    assert expired.value.code == 410
    assert client.get("/password/reset/" + token[:-3] + "abc").status_code == 404
    # A token for another purpose (an invitation) does not reset a password.
    assert client.get("/password/reset/" + make_token(user, "invite")).status_code == 404


def test_office_invites_producer_staff_who_set_a_password(client):
    office = make_user(Role.OFFICE)
    producer = make_producer()
    login(client, office)
    response = client.post(
        f"/office/producers/{producer.id}/invite",
        data={"name": "Anh Minh", "email": "minh@example.vn"},
    )
    assert response.status_code == 302
    staff = db.session.scalar(select(User).where(User.email == "minh@example.vn"))
    assert staff.role == Role.PRODUCER and staff.producer_id == producer.id
    assert staff.password_hash is None
    [mail] = outbox("invitation")
    link = link_in(mail)
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert producer.name in page
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    client.post("/logout")
    assert client.get(link).status_code == 410
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "invite_staff" in actions


def test_inviting_an_existing_account_is_refused(client):
    office = make_user(Role.OFFICE)
    producer = make_producer()
    make_user(email="lan@example.vn")
    login(client, office)
    response = client.post(
        f"/office/producers/{producer.id}/invite?lang=en",
        data={"name": "Lan", "email": "lan@example.vn"},
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert outbox("invitation") == []


def test_login_is_limited_per_account_across_addresses(client):
    user = make_user()
    for attempt in range(5):
        response = client.post(
            "/login",
            data={"email": user.email, "password": "wrong password"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"},
        )
        assert response.status_code == 401
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429


def test_login_is_limited_per_address_across_accounts(client):
    for attempt in range(10):
        response = client.post(
            "/login",
            data={"email": f"guess{attempt}@example.vn", "password": "wrong password"},
            environ_base={"REMOTE_ADDR": "10.0.1.1"},
        )
        assert response.status_code == 401
    response = client.post(
        "/login?lang=en",
        data={"email": "guess99@example.vn", "password": "wrong password"},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429
    assert "tried too many times" in response.get_data(as_text=True)
    other_address = client.post(
        "/login",
        data={"email": "guess99@example.vn", "password": "wrong password"},
        environ_base={"REMOTE_ADDR": "10.0.1.2"},
    )
    assert other_address.status_code == 401


def _cookie(response, name: str) -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def test_session_cookies_are_httponly_and_samesite_lax(client):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    for name in ("session", "remember_token"):
        header = _cookie(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header  # development serves plain http


def test_production_cookies_are_secure(app):
    class Config(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        SECRET_KEY = "production-test-key"
        WTF_CSRF_ENABLED = False

    production = create_app(Config)
    user = make_user()
    response = production.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    with production.app_context():
        db.engine.dispose()
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        header = _cookie(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "",
    ],
)
def test_login_never_redirects_off_site(client, target):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client):
    producer = make_producer()
    user = make_user(Role.PRODUCER, producer=producer)
    assert client.get("/dashboard/products").headers["Location"].startswith("/login?next=")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": "/dashboard/products"},
    )
    assert response.headers["Location"] == "/dashboard/products"


def test_staff_land_on_their_back_office(client):
    office = make_user(Role.OFFICE)
    assert login(client, office).headers["Location"] == "/office/"


def test_inactive_accounts_cannot_sign_in(client):
    user = make_user()
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
