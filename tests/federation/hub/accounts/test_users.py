"""The administrator's account pages: adding people with a role, deactivating, tokens."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.models import HubUser
from federation.hub.extensions import db
from tests.federation.hub.accounts.people import add_user, csrf_token, is_login_redirect, log_in


def admin_client(app: Flask) -> FlaskClient:
    add_user(app, "admin@example.org", name="Ada Admin")
    client = app.test_client()
    assert log_in(client, "admin@example.org").status_code == 302
    return client


def add_account(client: FlaskClient, **fields: str) -> tuple[int, str]:
    data = {"email": "", "name": "", "role": "analyst", "municipality": "", **fields}
    response = client.post("/admin/users/new", data={**data, "csrf_token": csrf_token(client, "/admin/users/new")})
    return response.status_code, response.get_data(as_text=True)


def test_an_administrator_adds_a_municipality_account(hub_app: Flask) -> None:
    client = admin_client(hub_app)
    status, page = add_account(client, email="Gemeente@Utrecht.example", role="municipality", municipality="gm0344")
    assert status == 201
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    with hub_app.app_context():
        user = db.session.scalar(select(HubUser).where(HubUser.email == "gemeente@utrecht.example"))
        assert user is not None
        assert (user.role, user.municipality, user.name) == (HubRole.MUNICIPALITY, "GM0344", "gemeente")
    assert log_in(hub_app.test_client(), "gemeente@utrecht.example", password).status_code == 302
    listed = client.get("/admin/users").get_data(as_text=True)
    assert "gemeente@utrecht.example" in listed and password not in listed


def test_a_municipality_account_needs_its_code_and_the_others_none(hub_app: Flask) -> None:
    client = admin_client(hub_app)
    status, page = add_account(client, email="g@example.org", role="municipality", municipality="")
    assert status == 422 and "CBS-code" in page
    status, page = add_account(client, email="a@example.org", role="analyst", municipality="GM0344")
    assert status == 422 and "Laat dit leeg" in page
    status, page = add_account(client, email="not an address", role="analyst")
    assert status == 422 and "anna@example.org" in page
    status, page = add_account(client, email="admin@example.org", role="analyst")
    assert status == 422 and "bestaat al een account" in page
    with hub_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(HubUser)) == 1


def test_deactivating_ends_the_sessions_and_the_logins(hub_app: Flask) -> None:
    admin = admin_client(hub_app)
    bert = add_user(hub_app, "bert@example.org", HubRole.ANALYST)
    bert_client = hub_app.test_client()
    log_in(bert_client, "bert@example.org")
    response = admin.post(f"/admin/users/{bert}/deactivate", data={"csrf_token": csrf_token(admin, "/admin/users")})
    assert response.status_code == 302
    assert is_login_redirect(bert_client.get("/account"))
    assert log_in(hub_app.test_client(), "bert@example.org").status_code == 401
    admin.post(f"/admin/users/{bert}/reactivate", data={"csrf_token": csrf_token(admin, "/admin/users")})
    assert log_in(hub_app.test_client(), "bert@example.org").status_code == 302


def test_an_administrator_cannot_deactivate_themselves(hub_app: Flask) -> None:
    admin = admin_client(hub_app)
    with hub_app.app_context():
        me = db.session.scalar(select(HubUser.id))
    response = admin.post(f"/admin/users/{me}/deactivate", data={"csrf_token": csrf_token(admin, "/admin/users")})
    assert response.status_code == 409
    assert admin.get("/account").status_code == 200


def test_forms_without_a_csrf_token_are_refused(hub_app: Flask) -> None:
    admin = admin_client(hub_app)
    bert = add_user(hub_app, "bert@example.org", HubRole.ANALYST)
    refused = [
        admin.post("/admin/users/new", data={"email": "c@example.org", "role": "analyst"}),
        admin.post(f"/admin/users/{bert}/deactivate"),
        admin.post(f"/admin/users/{bert}/password"),
        admin.post("/admin/api-tokens", data={"name": "x", "role": "analyst", "lifetime": "90"}),
        admin.post("/account", data={"current_password": "x", "password": "y" * 12, "confirm": "y" * 12}),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)
    with hub_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(HubUser)) == 2
        assert db.session.get(HubUser, bert).active
    assert log_in(hub_app.test_client(), "bert@example.org").status_code == 302
