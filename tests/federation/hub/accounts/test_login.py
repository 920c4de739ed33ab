"""Logging in to the hub: passwords, the throttle, CSRF, cookies, sessions and logging out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.models import AccountAction, AccountEvent, HubUser
from federation.hub.accounts.services import LoginOutcome, login
from federation.hub.app import create_app
from federation.hub.extensions import db
from federation.protocol.keys import SigningKey
from tests.federation.hub.accounts.people import PASSWORD, add_user, csrf_from, csrf_token, log_in
from tests.federation.hub.conftest import HUB_SETTINGS
from wijknet.web.database import utcnow


def test_login_with_the_right_password_sets_the_session(hub_app: Flask, client: FlaskClient) -> None:
    user_id = add_user(hub_app, "anna@example.org")
    response = log_in(client, " Anna@Example.org ")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{user_id}:")
    with hub_app.app_context():
        user = db.session.scalar(select(HubUser))
        assert user is not None and user.last_login_at is not None
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        actions = list(db.session.scalars(select(AccountEvent.action)))
        assert AccountAction.LOGIN in actions


def test_wrong_password_and_unknown_email_get_the_same_answer(hub_app: Flask, client: FlaskClient) -> None:
    user_id = add_user(hub_app, "anna@example.org")
    wrong = log_in(client, "anna@example.org", "not the password")
    unknown = log_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert "horen niet bij elkaar" in unknown.get_data(as_text=True)
    with hub_app.app_context():
        failures = db.session.scalars(select(AccountEvent).where(AccountEvent.action == AccountAction.LOGIN_FAILED))
        assert [event.user_id for event in failures] == [user_id, None]


def test_a_deactivated_account_cannot_log_in(hub_app: Flask, client: FlaskClient) -> None:
    user_id = add_user(hub_app, "anna@example.org")
    with hub_app.app_context():
        db.session.get(HubUser, user_id).active = False
        db.session.commit()
    assert log_in(client, "anna@example.org").status_code == 401


def test_login_form_without_csrf_token_is_refused(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    response = client.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_five_failures_lock_the_address_even_for_the_right_password(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    for _ in range(5):
        assert log_in(client, "anna@example.org", "wrong password").status_code == 401
    locked = log_in(client, "anna@example.org")
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    assert "Te vaak een verkeerd wachtwoord" in locked.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_lock_expires_and_doubles(hub_app: Flask) -> None:
    add_user(hub_app, "anna@example.org")
    start = utcnow()
    with hub_app.app_context():
        for _ in range(5):
            assert login("anna@example.org", "wrong", "ip-a", now=start).outcome == LoginOutcome.WRONG
        locked = login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(seconds=30))
        assert locked.outcome == LoginOutcome.LOCKED and 0 < locked.retry_after <= 60
        assert login("anna@example.org", "wrong", "ip-a", now=start + timedelta(minutes=3)).outcome == "wrong"
        relocked = login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(minutes=3, seconds=1))
        assert relocked.outcome == LoginOutcome.LOCKED and 60 < relocked.retry_after <= 120
        assert login("anna@example.org", PASSWORD, "ip-a", now=start + timedelta(minutes=8)).outcome == "ok"
        db.session.rollback()


def test_many_addresses_from_one_client_lock_the_client(hub_app: Flask) -> None:
    add_user(hub_app, "anna@example.org")
    now = utcnow()
    with hub_app.app_context():
        for n in range(20):
            login(f"guess{n}@example.org", "wrong", "ip-b", now=now)
        assert login("anna@example.org", PASSWORD, "ip-b", now=now).outcome == LoginOutcome.LOCKED
        assert login("anna@example.org", PASSWORD, "ip-c", now=now).outcome == LoginOutcome.OK
        db.session.rollback()


def test_the_throttle_is_shared_by_every_worker_through_the_database(hub_app: Flask) -> None:
    add_user(hub_app, "anna@example.org")
    with hub_app.app_context():
        for _ in range(5):
            login("anna@example.org", "wrong", "ip-d")
        db.session.commit()
    # Another app on the same database: another web worker.
    settings = asdict(hub_app.extensions["wijknet.settings"])
    other = create_app(hub_app.instance_path, settings, signing_key=SigningKey.generate())
    with other.app_context():
        assert login("anna@example.org", PASSWORD, "ip-e").outcome == LoginOutcome.LOCKED
        db.session.rollback()
        db.engine.dispose()


def test_session_cookie_is_httponly_and_samesite(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    cookie = log_in(client, "anna@example.org").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_secure_hub_uses_a_host_prefixed_secure_cookie(tmp_path: Path, hub_database_url: str) -> None:
    settings = {**HUB_SETTINGS, "secure_cookies": True, "database_url": hub_database_url, "password_time_cost": 1}
    app = create_app(tmp_path, {**settings, "password_memory_kib": 64}, signing_key=SigningKey.generate())
    with app.app_context():
        db.create_all()
    try:
        add_user(app, "anna@example.org")
        client = app.test_client()
        token = csrf_token_over_https(client)
        response = client.post(
            "/login",
            data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token},
            base_url="https://hub.example",
            headers={"Referer": "https://hub.example/login"},
        )
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-session=") and "Secure" in cookie and "HttpOnly" in cookie
        assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    finally:
        with app.app_context():
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    for table in reversed(db.metadata.sorted_tables):
                        connection.execute(table.delete())
            db.engine.dispose()


def csrf_token_over_https(client: FlaskClient) -> str:
    return csrf_from(client.get("/login", base_url="https://hub.example"))


def test_a_session_used_from_another_address_is_dropped(hub_app: Flask, client: FlaskClient) -> None:
    # Flask-Login's strong session protection: a stolen cookie used elsewhere logs out.
    add_user(hub_app, "anna@example.org")
    assert log_in(client, "anna@example.org").status_code == 302
    assert client.get("/account").status_code == 200
    response = client.get("/account", environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_needs_post_and_csrf(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    assert log_in(client, "anna@example.org").status_code == 302
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/account").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_open_redirect_after_login_is_refused(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    token = csrf_token(client)
    response = client.post(
        "/login?next=//evil.example/", data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_page_sends_a_stranger_to_the_login_and_back(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    first = client.get("/registry")
    assert first.status_code == 302 and first.headers["Location"] == "/login?next=/registry"
    token = csrf_token(client)
    response = client.post(
        first.headers["Location"], data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/registry"


def test_the_start_page_welcomes_by_role(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "gemeente@example.org", HubRole.MUNICIPALITY, "GM0344", name="Gemeente Utrecht")
    assert "Inloggen" in client.get("/").get_data(as_text=True)
    log_in(client, "gemeente@example.org")
    start = client.get("/")  # with the dashboards registered, they are a logged-in person's start page
    assert start.status_code == 302 and start.headers["Location"] == "/dashboard"
