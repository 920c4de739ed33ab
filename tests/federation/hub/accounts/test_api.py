"""The hub's REST API foundation: OpenAPI, docs, the API-Version header, problem documents; the federation apart."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from federation.hub.accounts.actor import HubRole
from tests.federation.hub.accounts.people import add_token


def test_the_openapi_document_describes_the_api_but_not_the_federation(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    spec = response.json
    assert spec["info"]["title"] == "wijknet hub API" and spec["info"]["version"] == "1.0.0"
    assert "/api/v1/me" in spec["paths"]
    assert not [path for path in spec["paths"] if path.startswith("/api/v1/federation")]
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    unauthorised = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "application/problem+json" in unauthorised


def test_the_docs_are_served_by_the_hub_itself(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/api/v1/openapi.json" in page.get_data(as_text=True)
    with client.get("/api/v1/docs/assets/swagger-ui.css") as asset:
        assert asset.status_code == 200 and asset.mimetype == "text/css"


def test_every_api_answer_carries_the_version_and_no_store(hub_app: Flask, client: FlaskClient) -> None:
    raw, _ = add_token(hub_app, HubRole.ANALYST)
    for path, headers in (
        ("/api/v1/me", {"Authorization": f"Bearer {raw}"}),
        ("/api/v1/me", {}),
        ("/api/v1/nothing", {}),
        ("/api/v1/federation/tenders", {}),
    ):
        response = client.get(path, headers=headers)
        assert response.headers["API-Version"] == "1.0.0", path
        assert response.headers["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/nothing").json["code"] == "not_found"
    assert "API-Version" not in client.get("/login").headers


def test_a_json_endpoint_refuses_another_body_but_the_federation_takes_jose(
    hub_app: Flask, client: FlaskClient
) -> None:
    raw, _ = add_token(hub_app, HubRole.ANALYST)
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "text/plain"}
    refused = client.post("/api/v1/me", data="hello", headers=headers)
    assert refused.status_code == 415 and refused.json["code"] == "unsupported_media_type"
    # A node's message is not JSON and carries no CSRF token: it reaches the protocol's own checks.
    message = client.post("/api/v1/federation/reports", data=b"a.b.c", headers={"Content-Type": "application/jose"})
    assert message.status_code == 400 and message.json["code"] == "malformed"
