"""API tokens: stored as a hash, shown once, limited in time, revocable; and the API they open."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.models import HubApiToken
from federation.hub.accounts.tokens import authenticate_token, create_token
from federation.hub.extensions import db
from tests.federation.hub.accounts.people import add_token, add_user, csrf_token, log_in
from wijknet.errors import InvalidInput
from wijknet.web.database import utcnow


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_is_stored_as_its_hash_with_a_prefix_to_tell_it_apart(hub_app: Flask) -> None:
    raw, token_id = add_token(hub_app, HubRole.MUNICIPALITY, "GM0344")
    assert raw.startswith("wkh_") and len(raw) >= 40
    with hub_app.app_context():
        token = db.session.get(HubApiToken, token_id)
        assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw[4:12] == token.prefix
        assert raw not in {token.name, token.prefix, token.token_hash}


def test_me_tells_who_the_token_is(hub_app: Flask, client: FlaskClient) -> None:
    raw, token_id = add_token(hub_app, HubRole.MUNICIPALITY, "GM0344")
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    assert response.json["token_id"] == token_id
    assert (response.json["role"], response.json["municipality"]) == ("municipality", "GM0344")
    with hub_app.app_context():
        assert db.session.get(HubApiToken, token_id).last_used_at is not None


def test_expired_revoked_unknown_and_foreign_tokens_are_refused(hub_app: Flask, client: FlaskClient) -> None:
    expired, expired_id = add_token(hub_app, HubRole.ANALYST)
    revoked, revoked_id = add_token(hub_app, HubRole.ANALYST)
    with hub_app.app_context():
        db.session.get(HubApiToken, expired_id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.get(HubApiToken, revoked_id).revoked_at = utcnow()
        db.session.commit()
    for headers in (
        bearer(expired),
        bearer(revoked),
        bearer("wkh_" + "A" * 43),
        bearer("wkn_" + expired[4:]),  # a node's token, or one pasted in the wrong place
        {"Authorization": f"Basic {expired}"},
        {},
    ):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == "not_authenticated"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_with_a_date_in_the_past_or_a_wrong_municipality_is_not_made(hub_app: Flask) -> None:
    actor = HubActor.system("tests")
    with hub_app.app_context():
        for kwargs in (
            {"role": HubRole.ANALYST, "municipality": None, "expires_at": utcnow() - timedelta(days=1)},
            {"role": HubRole.MUNICIPALITY, "municipality": None},
            {"role": HubRole.MUNICIPALITY, "municipality": "WK034402"},
            {"role": HubRole.ANALYST, "municipality": "GM0344"},
        ):
            try:
                create_token(actor, name="x", **kwargs)
            except InvalidInput:
                continue
            raise AssertionError(f"made a token with {kwargs}")
        assert authenticate_token("wkh_") is None


def test_the_session_cookie_does_not_open_the_api(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "admin@example.org")
    log_in(client, "admin@example.org")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_the_token_page_shows_a_new_token_once_and_revokes_it(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "admin@example.org")
    log_in(client, "admin@example.org")
    data = {"name": "Gemeente Utrecht rapportages", "role": "municipality", "municipality": "GM0344", "lifetime": "90"}
    made = client.post("/admin/api-tokens", data={**data, "csrf_token": csrf_token(client, "/admin/api-tokens")})
    assert made.status_code == 201
    raw = re.search(r'<code class="secret">(wkh_[^<]+)</code>', made.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers=bearer(raw)).json["municipality"] == "GM0344"

    listed = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "Gemeente Utrecht rapportages" in listed and raw not in listed and f"wkh_{raw[4:12]}" in listed
    with hub_app.app_context():
        token = db.session.scalar(select(HubApiToken))
        assert 89 <= (token.expires_at - utcnow()).days <= 90
    revoked = client.post(
        f"/admin/api-tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/admin/api-tokens")}
    )
    assert revoked.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_the_token_form_explains_a_missing_municipality(hub_app: Flask, client: FlaskClient) -> None:
    add_user(hub_app, "admin@example.org")
    log_in(client, "admin@example.org")
    data = {"name": "x", "role": "municipality", "municipality": "", "lifetime": "0"}
    page = client.post("/admin/api-tokens", data={**data, "csrf_token": csrf_token(client, "/admin/api-tokens")})
    assert page.status_code == 422
    assert "CBS-code" in page.get_data(as_text=True)
    with hub_app.app_context():
        assert db.session.scalar(select(HubApiToken)) is None
