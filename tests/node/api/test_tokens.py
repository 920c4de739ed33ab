"""`/api/v1/api-tokens` and bearer authentication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from node.accounts.models import ApiToken
from schemas.node.codes import Role
from tests.node.api.conftest import assert_problem, bearer, error_fields, update_row
from tests.node.factories import Factory


def test_a_token_is_shown_once_and_works(client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    created = client.post("/api/v1/api-tokens", json={"name": "planning", "role": "coordinator"}, headers=admin)
    assert created.status_code == 201
    raw = created.json["token"]
    assert raw.startswith("wkn_") and created.json["prefix"] == raw[4:12]
    listed = client.get("/api/v1/api-tokens", headers=admin)
    assert "token" not in listed.json[-1] and raw not in listed.get_data(as_text=True)
    assert client.get("/api/v1/help-requests", headers=bearer(raw)).status_code == 200
    used = [t for t in client.get("/api/v1/api-tokens", headers=admin).json if t["id"] == created.json["id"]]
    assert used[0]["last_used_at"] is not None


def test_a_revoked_token_stops_working(client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    created = client.post("/api/v1/api-tokens", json={"name": "koppeling", "role": "coordinator"}, headers=admin).json
    assert client.delete(f"/api/v1/api-tokens/{created['id']}", headers=admin).status_code == 204
    assert_problem(client.get("/api/v1/help-requests", headers=bearer(created["token"])), 401, "not_authenticated")
    assert_problem(client.delete(f"/api/v1/api-tokens/{created['id']}", headers=admin), 409, "conflict")
    assert_problem(client.delete(f"/api/v1/api-tokens/{2**31 - 1}", headers=admin), 404, "not_found")


def test_an_expired_token_stops_working(app: Flask, client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    body = {"name": "tijdelijk", "role": "coordinator", "expires_at": soon}
    created = client.post("/api/v1/api-tokens", json=body, headers=admin).json
    assert client.get("/api/v1/help-requests", headers=bearer(created["token"])).status_code == 200
    update_row(app, ApiToken, created["id"], expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert_problem(client.get("/api/v1/help-requests", headers=bearer(created["token"])), 401)
    past = {**body, "expires_at": "2020-01-01T00:00:00+00:00"}
    assert error_fields(assert_problem(client.post("/api/v1/api-tokens", json=past, headers=admin), 422)) == {
        "expires_at"
    }


def test_member_and_volunteer_tokens_belong_to_a_member_who_holds_the_role(client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    member = make.member()
    no_member = client.post("/api/v1/api-tokens", json={"name": "app", "role": "volunteer"}, headers=admin)
    assert error_fields(assert_problem(no_member, 422)) == {"member_id"}
    lacks_role = client.post(
        "/api/v1/api-tokens", json={"name": "app", "role": "volunteer", "member_id": member}, headers=admin
    )
    assert error_fields(assert_problem(lacks_role, 422)) == {"role"}
    own = client.post("/api/v1/api-tokens", json={"name": "app", "role": "member", "member_id": member}, headers=admin)
    assert client.get("/api/v1/members/me", headers=bearer(own.json["token"])).json["id"] == member


def test_only_bearer_tokens_authenticate_the_api(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    raw = headers["Authorization"].removeprefix("Bearer ")
    for header in (f"Basic {raw}", "Bearer", "Bearer wkn_unknown", f"Bearer {raw}x", "Bearer " + "x" * 5000):
        response = client.get("/api/v1/help-requests", headers={"Authorization": header})
        assert_problem(response, 401, "not_authenticated")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/v1/help-requests"), 401)
