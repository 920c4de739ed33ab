"""Who may open which page and call which endpoint of the hub's accounts, registry and API.

Each row names a page or endpoint and the callers who may use it, of five:
nobody (anonymous), a municipality's account for GM0344, one for another
municipality, an analyst and an administrator. Pages are called with a logged-in
session, the API with a token of the same role. Allowed calls are made with
real objects and valid forms, so they must succeed; refused ones must send a
stranger to the login page (pages), answer 401 (API), or 403.

A new page or endpoint without a row fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from federation.hub.accounts.actor import HubRole
from federation.hub.extensions import db
from federation.hub.registry.models import Node, NodeArea, NodeKey, NodeStatus
from tests.federation.hub.accounts.people import (
    CALLERS,
    PASSWORD,
    add_token,
    add_user,
    csrf_token,
    is_login_redirect,
    logged_in_client,
)
from wijknet.web.database import utcnow

EVERYONE = frozenset(CALLERS)
LOGGED_IN = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
MY_BLUEPRINTS = {"accounts", "users", "registry", "me"}
# Not about roles: anyone may log in or out (tests/federation/hub/accounts/test_login.py).
WITHOUT_ROLES = {("accounts.login_page", "POST"), ("accounts.logout", "POST")}


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with {user}, {inactive}, {token}, {node}, {suspended} and {kid} from the scene
    allowed: frozenset[str]
    data: dict[str, str] = field(default_factory=dict)
    api: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


ROWS = [
    Row("GET", "/", EVERYONE),
    Row("GET", "/login", EVERYONE),
    Row("GET", "/account", LOGGED_IN),
    Row(
        "POST",
        "/account",
        LOGGED_IN,
        {"current_password": PASSWORD, "password": "new pass phrase", "confirm": "new pass phrase"},
    ),
    Row("GET", "/admin/users", ADMIN),
    Row("GET", "/admin/users/new", ADMIN),
    Row("POST", "/admin/users/new", ADMIN, {"email": "new@example.org", "role": "analyst", "municipality": ""}),
    Row("POST", "/admin/users/{user}/password", ADMIN),
    Row("POST", "/admin/users/{user}/deactivate", ADMIN),
    Row("POST", "/admin/users/{inactive}/reactivate", ADMIN),
    Row("GET", "/admin/api-tokens", ADMIN),
    Row("POST", "/admin/api-tokens", ADMIN, {"name": "x", "role": "analyst", "municipality": "", "lifetime": "90"}),
    Row("POST", "/admin/api-tokens/{token}/revoke", ADMIN),
    Row("GET", "/registry", ADMIN),
    Row("GET", "/registry/invite", ADMIN),
    Row(
        "POST",
        "/registry/invite",
        ADMIN,
        {"node_id": "noord", "name": "Noord", "municipality": "GM0344", "areas": "WK034404"},
    ),
    Row("GET", "/registry/nodes/{node}", ADMIN),
    Row("POST", "/registry/nodes/{node}/suspend", ADMIN),
    Row("POST", "/registry/nodes/{suspended}/reinstate", ADMIN),
    Row("POST", "/registry/keys/{kid}/revoke", ADMIN),
    Row("GET", "/api/v1/me", LOGGED_IN, api=True),
]


def make_scene(app: Flask) -> dict[str, Any]:
    """The objects the calls are about."""
    user = add_user(app, "target@example.org", HubRole.ANALYST)
    inactive = add_user(app, "former@example.org", HubRole.ANALYST)
    _, token = add_token(app, HubRole.ANALYST)
    with app.app_context():
        from federation.hub.accounts.models import HubUser

        db.session.get(HubUser, inactive).active = False
        for node_id, status in (("zuilen", NodeStatus.ACTIVE), ("oost", NodeStatus.SUSPENDED)):
            node = Node(
                node_id=node_id, name=node_id, name_given=node_id, municipality="GM0344", software="t", status=status
            )
            node.area_rows = [NodeArea(area_code="WK034402")]
            db.session.add(node)
        db.session.flush()
        db.session.add(NodeKey(kid="k" * 43, node_id="zuilen", x="x" * 43, registered_at=utcnow()))
        db.session.commit()
    return {"user": user, "inactive": inactive, "token": token, "node": "zuilen", "suspended": "oost", "kid": "k" * 43}


def call(app: Flask, row: Row, caller: str, scene: dict[str, Any]) -> Any:
    path = row.path.format(**scene)
    if row.api:
        client: FlaskClient = app.test_client()
        headers = {}
        if CALLERS[caller] is not None:
            role, municipality = CALLERS[caller]
            headers["Authorization"] = f"Bearer {add_token(app, role, municipality)[0]}"
        return client.open(path, method=row.method, headers=headers)
    client = logged_in_client(app, caller)
    if row.method == "GET":
        return client.get(path)
    token = csrf_token(client, "/login" if caller == "anonymous" else "/account")
    return client.post(path, data={**row.data, "csrf_token": token})


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_role_limits(hub_app: Flask, row: Row, caller: str) -> None:
    scene = make_scene(hub_app)
    response = call(hub_app, row, caller, scene)
    if caller in row.allowed:
        assert response.status_code in (200, 201, 302), response.get_data(as_text=True)[:2000]
        assert not is_login_redirect(response)
    elif row.api:
        assert response.status_code == 401 and response.json["code"] == "not_authenticated"
    elif caller == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 403
        assert response.mimetype == "text/html"


def test_every_route_has_a_row(hub_app: Flask) -> None:
    adapter = hub_app.url_map.bind("hub.example")
    dummy = {"user": 1, "inactive": 2, "token": 3, "node": "zuilen", "suspended": "oost", "kid": "k"}
    covered = {(adapter.match(row.path.format(**dummy), row.method)[0], row.method) for row in ROWS}
    routes = {
        (rule.endpoint, method)
        for rule in hub_app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in MY_BLUEPRINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - WITHOUT_ROLES == covered


def test_the_api_documents_are_open_to_everyone(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
