"""Helpers for the coordinator's front-desk page tests: people with a login, and forms with their CSRF token."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from node.extensions import db
from node.members.models import Member
from schemas.node.codes import Role
from tests.node.factories import Factory

PASSWORD = "front desk password"


def person(make: Factory, role: Role | None, **fields: object) -> tuple[int, str]:
    """A member with a login and `role` (None: a plain resident); returns their id and e-mail address."""
    member_id = make.member(roles=() if role is None else (role,), password=PASSWORD, **fields)
    return member_id, make.query(lambda: db.session.get(Member, member_id).email)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def log_in(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, "logged in"
