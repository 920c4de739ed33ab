"""People and tokens for the hub's page and API tests, and logging in the way a browser does."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.services import create_user
from federation.hub.accounts.tokens import create_token
from federation.hub.extensions import db

PASSWORD = "correct horse battery staple"
# Fast hashing in tests; production uses the configured Argon2id cost.
FAST_PASSWORDS: dict[str, Any] = {"password_time_cost": 1, "password_memory_kib": 64}
CSRF_FIELD = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')

# The callers of the permission tests: (role, municipality), None for nobody.
CALLERS: dict[str, tuple[HubRole, str | None] | None] = {
    "anonymous": None,
    "municipality": (HubRole.MUNICIPALITY, "GM0344"),
    "other_municipality": (HubRole.MUNICIPALITY, "GM0363"),
    "analyst": (HubRole.ANALYST, None),
    "admin": (HubRole.ADMIN, None),
}


def add_user(
    app: Flask,
    email: str,
    role: HubRole = HubRole.ADMIN,
    municipality: str | None = None,
    *,
    password: str = PASSWORD,
    name: str | None = None,
) -> int:
    with app.app_context():
        user = create_user(
            HubActor.system("tests"), email=email, role=role, municipality=municipality, name=name, password=password
        )
        db.session.commit()
        return user.id


def add_token(
    app: Flask, role: HubRole, municipality: str | None = None, *, expires_at: datetime | None = None
) -> tuple[str, int]:
    with app.app_context():
        raw, token = create_token(
            HubActor.system("tests"), role=role, municipality=municipality, name=f"{role} token", expires_at=expires_at
        )
        db.session.commit()
        return raw, token.id


def csrf_from(response: TestResponse) -> str:
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, "the page carries a CSRF token"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return csrf_from(page)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def logged_in_client(app: Flask, caller: str) -> FlaskClient:
    """A client of `caller` (a key of CALLERS), logged in unless anonymous."""
    client = app.test_client()
    who = CALLERS[caller]
    if who is not None:
        role, municipality = who
        add_user(app, f"{caller}@example.org", role, municipality)
        response = log_in(client, f"{caller}@example.org")
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def is_login_redirect(response: TestResponse) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")
