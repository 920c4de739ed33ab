"""The OpenAPI document, the `API-Version` header on every answer, and the browsable docs."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from schemas.node.codes import Role
from tests.node.api.conftest import PROBLEM, assert_problem
from tests.node.factories import Factory

API_VERSION = "1.0.0"
NOT_DOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/assets/<path:filename>"}


def test_every_resource_and_method_is_in_the_document(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["info"]["version"] == API_VERSION
    documented = {(m.upper(), path) for path, item in spec["paths"].items() for m in item if m != "parameters"}
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and rule.rule not in NOT_DOCUMENTED
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_errors_are_documented_as_problem_documents(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    problem = {"schema": {"$ref": "#/components/schemas/ProblemOut"}}
    responses = spec["components"]["responses"]
    assert responses["PROBLEM"]["content"] == {PROBLEM: problem}
    assert responses["DEFAULT_ERROR"]["content"] == {PROBLEM: problem}
    assert responses["UNPROCESSABLE_ENTITY"]["content"] == {PROBLEM: problem}
    assert set(spec["components"]["schemas"]["ProblemOut"]["required"]) == {"type", "title", "status", "code"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and "content" in response:
                    assert set(response["content"]) == {PROBLEM}, (method, path, status)


def test_every_answer_carries_the_api_version(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    answers = {
        "a list": client.get("/api/v1/help-requests", headers=headers),
        "created": client.post("/api/v1/partners", json={"name": "P", "kind": "company"}, headers=headers),
        "no content": client.delete(f"/api/v1/activities/{make.activity()}", headers=headers),
        "the document": client.get("/api/v1/openapi.json"),
        "public data": client.get("/api/v1/categories"),
        "not authenticated": client.get("/api/v1/help-requests"),
        "forbidden": client.get("/api/v1/settings", headers=headers),
        "no such thing": client.get(f"/api/v1/help-requests/{2**31 - 1}", headers=headers),
        "no such path": client.get("/api/v1/nothing/here"),
        "wrong method": client.delete("/api/v1/members", headers=headers),
        "invalid input": client.post("/api/v1/partners", json={}, headers=headers),
        "malformed": client.post("/api/v1/partners", data="{", content_type="application/json", headers=headers),
        "too large": client.post("/api/v1/partners", json={"name": "x" * (1024 * 1024)}, headers=headers),
    }
    for what, response in answers.items():
        assert response.headers.get("API-Version") == API_VERSION, what
        if response.status_code >= 400:
            assert_problem(response, response.status_code)
    assert answers["wrong method"].headers["Allow"]


def test_the_categories_come_from_the_federation_code_list(client: FlaskClient) -> None:
    categories = client.get("/api/v1/categories").json
    assert {"code": "garden", "label_nl": "Tuin & groen", "label_en": "Garden & green"} in categories
    assert len(categories) == 11
    areas = client.get("/api/v1/areas").json
    assert areas[0] == {"code": "WK034402", "name": "Buurtcoöperatie Testwijk", "level": "wijk"}
    assert [a["code"] for a in areas[1:]] == ["BU03440201", "BU03440202", "BU03440203"]


def test_the_docs_page_is_served_with_its_own_assets_and_no_cdn(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["API-Version"] == API_VERSION
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))  # nothing from another host
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 5
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200, asset
            assert len(response.get_data()) > 0
    with client.get("/api/v1/docs/assets/../../../setup.cfg") as outside:
        assert_problem(outside, 404)


def test_bounds_in_the_document_are_numbers(client: FlaskClient) -> None:
    """OpenAPI readers refuse `"maximum": "24.00"`; decimal fields must state their bounds as numbers."""
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    bounds = [
        (name, field, key, spec[key])
        for name, schema in schemas.items()
        for field, spec in schema.get("properties", {}).items()
        for key in ("minimum", "maximum")
        if key in spec
    ]
    assert ("TimeLogIn", "hours", "maximum", 24) in bounds
    assert all(isinstance(value, int | float) for *_, value in bounds), bounds
