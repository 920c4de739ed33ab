"""Changing one's password logs out one's other sessions; an administrator's reset shows the new one once."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from federation.hub.accounts.models import HubUser
from tests.federation.hub.accounts.people import PASSWORD, add_user, csrf_token, is_login_redirect, log_in

NEW_PASSWORD = "a brand new pass phrase"


def change_password(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> int:
    data = {
        "current_password": current,
        "password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/account"),
    }
    return client.post("/account", data=data).status_code


def test_changing_the_password_logs_out_the_other_sessions(hub_app: Flask) -> None:
    add_user(hub_app, "anna@example.org")
    here, elsewhere = hub_app.test_client(), hub_app.test_client()
    assert log_in(here, "anna@example.org").status_code == 302
    assert log_in(elsewhere, "anna@example.org").status_code == 302
    assert elsewhere.get("/account").status_code == 200

    assert change_password(here, PASSWORD, NEW_PASSWORD) == 302
    assert here.get("/account").status_code == 200  # this session goes on
    assert is_login_redirect(elsewhere.get("/account"))
    assert log_in(hub_app.test_client(), "anna@example.org").status_code == 401  # the old password is gone
    assert log_in(hub_app.test_client(), "anna@example.org", NEW_PASSWORD).status_code == 302


def test_the_current_password_must_be_right(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    log_in(client, "anna@example.org")
    assert change_password(client, "not my password", NEW_PASSWORD) == 422
    page = client.get("/account")
    assert page.status_code == 200  # still logged in
    assert log_in(hub_app.test_client(), "anna@example.org").status_code == 302


def test_a_weak_or_mistyped_new_password_is_explained(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "anna@example.org")
    log_in(client, "anna@example.org")
    data = {"current_password": PASSWORD, "password": "short", "confirm": "short"}
    short = client.post("/account", data={**data, "csrf_token": csrf_token(client, "/account")})
    assert short.status_code == 422
    assert "minstens 10 tekens" in short.get_data(as_text=True)
    assert change_password(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "!") == 422
    assert change_password(client, PASSWORD, PASSWORD) == 422


def test_an_administrators_reset_shows_the_password_once_and_ends_the_sessions(hub_app: Flask) -> None:
    add_user(hub_app, "admin@example.org")
    bert = add_user(hub_app, "bert@example.org")
    admin, bert_client = hub_app.test_client(), hub_app.test_client()
    log_in(admin, "admin@example.org")
    log_in(bert_client, "bert@example.org")

    token = csrf_token(admin, "/admin/users")
    page = admin.post(f"/admin/users/{bert}/password", data={"csrf_token": token})
    assert page.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    assert len(password) >= 16
    assert is_login_redirect(bert_client.get("/account"))
    assert log_in(hub_app.test_client(), "bert@example.org", password).status_code == 302
    assert password not in admin.get("/admin/users").get_data(as_text=True)
    with hub_app.app_context():
        from federation.hub.extensions import db

        stored = db.session.scalar(select(HubUser.password_hash).where(HubUser.id == bert))
        assert password not in stored
