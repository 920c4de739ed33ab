"""The registry's pages: invite (the token once), the nodes with their delivery health, suspend and revoke.

The pages' actions are checked where they matter: in what the hub's intake
answers a real node over HTTP.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from federation.hub.extensions import db
from federation.hub.figures.models import Report
from federation.hub.registry.models import Invitation, Node, NodeStatus, RegistryAction, RegistryEvent
from federation.hub.registry.services import hash_token
from federation.protocol.periods import period_of, previous_period
from tests.federation.hub.accounts.people import add_user, csrf_token, log_in
from tests.federation.hub.conftest import FakeNode, make_invitation
from wijknet.web.database import utcnow

INVITE = {
    "node_id": "zuilen",
    "name": "Buurtcoöperatie Zuilen",
    "municipality": "gm0344",
    "areas": "WK034402, BU03440301",
}


def admin(app: Flask) -> FlaskClient:
    add_user(app, "beheer@samen030.example", name="Beheer")
    client = app.test_client()
    assert log_in(client, "beheer@samen030.example").status_code == 302
    return client


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None) -> object:
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/account")})


def test_the_invitation_shows_its_token_once_with_the_command(hub_app: Flask, hub_url: str) -> None:
    client = admin(hub_app)
    made = post(client, "/registry/invite", INVITE)
    assert made.status_code == 201
    page = made.get_data(as_text=True)
    token = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert f"wijknet node enroll --hub http://localhost --node-id zuilen --token {token}" in page
    assert "alleen nu" in page  # Dutch: the token is shown only now
    with hub_app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.token_hash == hash_token(token)
        assert (invitation.municipality, invitation.areas) == ("GM0344", ["BU03440301", "WK034402"])
        assert invitation.created_by == "beheer@samen030.example"

    listed = client.get("/registry").get_data(as_text=True)
    assert token not in listed and "Buurtcoöperatie Zuilen" in listed  # pending, without its token
    assert FakeNode(hub_url, "zuilen").enroll(token).status_code == 201
    listed = client.get("/registry").get_data(as_text=True)
    assert token not in listed and "Geen openstaande uitnodigingen" in listed


def test_the_invitation_uses_the_configured_public_address(hub_app: Flask) -> None:
    hub_app.extensions["wijknet.settings"].public_url = "https://hub.samen030.example/"
    page = post(admin(hub_app), "/registry/invite", INVITE).get_data(as_text=True)
    assert "wijknet node enroll --hub https://hub.samen030.example --node-id zuilen" in page


def test_a_wrong_invitation_is_explained_in_dutch(hub_app: Flask, hub_url: str) -> None:
    client = admin(hub_app)
    bad = {"node_id": "Zuilen!", "name": "Z", "municipality": "GM0344", "areas": "WK035502 XX12"}
    response = post(client, "/registry/invite", bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "kleine letters" in page and "WK035502 ligt niet in GM0344" in page and "XX12 is geen CBS-code" in page
    FakeNode(hub_url, "noordwest").enroll(make_invitation(hub_app, "noordwest"))
    taken = post(client, "/registry/invite", {**INVITE, "node_id": "noordwest"})
    assert taken.status_code == 422 and "met dit id geregistreerd" in taken.get_data(as_text=True)
    with hub_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 1  # the fixture's own


def test_suspending_and_reinstating_through_the_pages(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    assert node.send_report(node.report_payload(revision=1)).status_code == 201
    suspended = post(client, "/registry/nodes/noordwest/suspend")
    assert suspended.status_code == 302 and suspended.headers["Location"] == "/registry/nodes/noordwest"
    refused = node.send_report(node.report_payload(revision=2))
    assert refused.status_code == 403 and refused.json()["code"] == "node_suspended"
    page = client.get("/registry/nodes/noordwest").get_data(as_text=True)
    assert "geschorst" in page and "weer toelaten" in page

    assert post(client, "/registry/nodes/noordwest/reinstate").status_code == 302
    assert node.send_report(node.report_payload(revision=2)).status_code == 201
    with hub_app.app_context():
        events = db.session.scalars(select(RegistryEvent).where(RegistryEvent.node_id == "noordwest"))
        mine = [(e.action, e.actor) for e in events if e.actor == "beheer@samen030.example"]
        assert mine == [
            (RegistryAction.SUSPEND, "beheer@samen030.example"),
            (RegistryAction.REINSTATE, "beheer@samen030.example"),
        ]


def test_suspending_twice_is_refused_with_a_page(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    post(client, "/registry/nodes/noordwest/suspend")
    again = post(client, "/registry/nodes/noordwest/suspend")
    assert again.status_code == 409 and again.mimetype == "text/html"
    assert post(client, "/registry/nodes/nobody/suspend").status_code == 404


def test_revoking_a_key_through_the_page(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    assert node.send_report(node.report_payload(revision=1)).status_code == 201
    response = post(client, f"/registry/keys/{node.key.kid}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == "/registry/nodes/noordwest"
    refused = node.send_report(node.report_payload(revision=2))
    assert refused.status_code == 403 and refused.json()["code"] == "key_revoked"
    page = client.get("/registry/nodes/noordwest").get_data(as_text=True)
    assert "ingetrokken" in page and "sleutel sindsdien ingetrokken" in page  # the key, and the report it signed
    listed = client.get("/registry").get_data(as_text=True)
    assert "geen bruikbare sleutel" in listed


def test_actions_without_a_csrf_token_change_nothing(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    for path in ("/registry/nodes/noordwest/suspend", f"/registry/keys/{node.key.kid}/revoke"):
        assert client.post(path).status_code == 400
    assert node.send_report(node.report_payload()).status_code == 201
    with hub_app.app_context():
        assert db.session.get(Node, "noordwest").status == NodeStatus.ACTIVE


def test_the_nodes_list_shows_areas_keys_last_reports_and_health(hub_app: Flask, hub_url: str, node: FakeNode) -> None:
    last_month = previous_period(period_of(utcnow()))
    assert node.send_report(node.report_payload(period=last_month)).status_code == 201
    quiet = FakeNode(hub_url, "overvecht")
    assert quiet.enroll(make_invitation(hub_app, "overvecht", ("WK034403",))).status_code == 201
    gone = FakeNode(hub_url, "oost")
    assert gone.enroll(make_invitation(hub_app, "oost", ("WK034405",))).status_code == 201
    figures = [{"area": "WK034405", "category": "_all", "metric": "members_total", "value": 0}]
    assert gone.send_report(gone.report_payload(period=last_month, figures=figures)).status_code == 201
    with hub_app.app_context():  # oost's last report came 41 days ago
        db.session.execute(
            update(Report).where(Report.node_id == "oost").values(received_at=utcnow() - timedelta(days=41))
        )
        db.session.commit()

    page = admin(hub_app).get("/registry").get_data(as_text=True)
    rows = {
        node_id: row
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
        for node_id in re.findall(r"<code class=\"muted small\">([a-z-]+)</code>", row)
    }
    assert "op orde" in rows["noordwest"] and "WK034402" in rows["noordwest"]
    assert f"{last_month}, versie 1" in rows["noordwest"] and node.key.kid[:8] in rows["noordwest"]
    assert "nog geen rapportage" in rows["overvecht"] and "nog niets" in rows["overvecht"]
    assert "stil" in rows["oost"]
    assert "40 dagen" in page  # the thresholds are on the page


def test_the_node_page_shows_keys_reports_invitations_and_events(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    assert node.send_report(node.report_payload(period="2026-09")).status_code == 201
    assert node.send_report(node.report_payload(period="2026-09", revision=2)).status_code == 201
    page = client.get("/registry/nodes/noordwest").get_data(as_text=True)
    assert node.key.kid in page and "in gebruik" in page
    assert "2026-09" in page and "telt mee" in page and "vervangen" in page  # revision 2 counts, 1 replaced
    assert "aangesloten" in page and "uitgenodigd" in page  # the registry's events
    assert client.get("/registry/nodes/nobody").status_code == 404


def test_the_pages_speak_english_on_request(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    client.get("/language/en")
    page = client.get("/registry").get_data(as_text=True)
    assert "Invite a cooperative" in page and "no report yet" in page and "Registry" in page
