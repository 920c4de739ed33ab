"""Logging in, CSRF, throttling, cookies, security headers and API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from node.accounts.services import LoginOutcome, authenticate_token, login
from node.extensions import db
from schemas.node.codes import Role
from tests.node.factories import Factory
from wijknet.web.database import utcnow

PASSWORD = "correct horse battery staple"


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the login form carries a CSRF token"
    return match.group(1)


def post_login(client: FlaskClient, email: str, password: str, *, token: str | None = None) -> int:
    data = {"email": email, "password": password, "csrf_token": token or csrf_token(client)}
    return client.post("/login", data=data).status_code


def test_login_with_the_right_password_sets_the_session(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    assert post_login(client, "Anna@Example.org ", PASSWORD) == 302
    with client.session_transaction() as session:
        assert "_user_id" in session


def test_wrong_password_and_unknown_email_get_the_same_answer(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    wrong = client.post(
        "/login", data={"email": "anna@example.org", "password": "nope", "csrf_token": csrf_token(client)}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@example.org", "password": "nope", "csrf_token": csrf_token(client)}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert "horen niet bij elkaar" in unknown.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    response = client.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "text/html" in response.content_type
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_five_failures_lock_the_address_even_for_the_right_password(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    for _ in range(5):
        assert post_login(client, "anna@example.org", "wrong") == 401
    assert post_login(client, "anna@example.org", PASSWORD) == 429


def test_lock_expires_and_doubles(app: Flask, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    start = utcnow()
    with app.app_context():
        for _ in range(5):
            assert login("anna@example.org", "wrong", "ip-a", now=start).outcome == LoginOutcome.WRONG
        locked = login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(seconds=30))
        assert locked.outcome == LoginOutcome.LOCKED
        assert 0 < locked.retry_after <= 60
        # After the one-minute lock another failure locks for two minutes.
        assert login("anna@example.org", "wrong", "ip-a", now=start + timedelta(minutes=3)).outcome == "wrong"
        relocked = login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(minutes=3, seconds=1))
        assert relocked.outcome == LoginOutcome.LOCKED
        assert 60 < relocked.retry_after <= 120
        later = login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(minutes=8))
        assert later.outcome == LoginOutcome.OK
        db.session.rollback()


def test_many_addresses_from_one_client_lock_the_client(app: Flask, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    now = utcnow()
    with app.app_context():
        for n in range(20):
            login(f"guess{n}@example.org", "wrong", "ip-b", now=now)
        assert login("anna@example.org", PASSWORD, "ip-b", now=now).outcome == LoginOutcome.LOCKED
        assert login("anna@example.org", PASSWORD, "ip-c", now=now).outcome == LoginOutcome.OK
        db.session.rollback()


def test_passwords_are_stored_as_argon2id(app: Flask, make: Factory) -> None:
    member_id = make.member(password=PASSWORD)
    with app.app_context():
        from node.accounts.models import Account

        account = db.session.scalar(db.select(Account).where(Account.member_id == member_id))
        assert account is not None
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    token = csrf_token(client)
    response = client.post("/login", data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_node_uses_host_prefixed_secure_cookie(tmp_path, database_url: str) -> None:
    from node.app import create_app
    from tests.node.conftest import TEST_AREAS, TEST_SETTINGS
    from wijknet.web.config import write_instance_file

    write_instance_file(tmp_path / "node.toml", TEST_AREAS)
    app = create_app(tmp_path, {**TEST_SETTINGS, "secure_cookies": True, "database_url": database_url})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/login", base_url="https://node.example")
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/areas", "/api/v1/nothing"])
def test_security_headers_on_every_answer(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if path.startswith("/api/"):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["API-Version"] == "1.0.0"


def test_logout_needs_post_and_csrf(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    assert post_login(client, "anna@example.org", PASSWORD) == 302
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    with client.session_transaction() as session:
        assert "_user_id" in session


def test_open_redirect_after_login_is_refused(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    token = csrf_token(client)
    response = client.post(
        "/login?next=//evil.example/",
        data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_from_another_client_address_is_dropped(client: FlaskClient, make: Factory) -> None:
    # Flask-Login's "strong" session protection: a stolen cookie used elsewhere logs out.
    make.member(email="anna@example.org", password=PASSWORD)
    assert post_login(client, "anna@example.org", PASSWORD) == 302
    client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.99"})
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_session_cookie_does_not_authenticate_the_api(client: FlaskClient, make: Factory) -> None:
    make.member(email="anna@example.org", password=PASSWORD)
    assert post_login(client, "anna@example.org", PASSWORD) == 302
    response = client.get("/api/v1/members/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_token_is_stored_hashed_and_can_be_revoked(app: Flask, client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    response = client.post("/api/v1/api-tokens", json={"name": "rapportage", "role": "coordinator"}, headers=admin)
    assert response.status_code == 201, response.json
    raw = response.json["token"]
    token_id = response.json["id"]
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/help-requests", headers=bearer).status_code == 200

    listed = client.get("/api/v1/api-tokens", headers=admin).get_data(as_text=True)
    assert raw not in listed
    with app.app_context():
        from node.accounts.models import ApiToken

        assert raw not in {t.token_hash for t in db.session.scalars(db.select(ApiToken))}

    assert client.delete(f"/api/v1/api-tokens/{token_id}", headers=admin).status_code in (200, 204)
    refused = client.get("/api/v1/help-requests", headers=bearer)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert "Bearer" in refused.headers.get("WWW-Authenticate", "")


def test_expired_token_is_refused(app: Flask, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    raw = headers["Authorization"].removeprefix("Bearer ")
    with app.app_context():
        assert authenticate_token(raw) is not None
        assert authenticate_token(raw + "x") is None
        from node.accounts.models import ApiToken

        token = db.session.scalar(db.select(ApiToken))
        assert token is not None
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert authenticate_token(raw) is None


def test_taking_away_a_role_disarms_the_members_token(client: FlaskClient, make: Factory) -> None:
    volunteer_id, volunteer = make.person(Role.VOLUNTEER)
    _, admin = make.person(Role.ADMIN)
    assert client.get("/api/v1/members/me", headers=volunteer).status_code == 200
    response = client.put(f"/api/v1/members/{volunteer_id}/roles", json={"roles": ["member"]}, headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert client.get("/api/v1/members/me", headers=volunteer).status_code == 401


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer wkn_" + "x" * 300, "Token abc"])
def test_malformed_authorization_is_a_problem(client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/help-requests", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
