"""A node whose keys are all revoked comes back under a new node id; its old figures stop counting."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from federation.hub.extensions import db
from federation.hub.figures.models import FigureTotal, Report
from federation.hub.figures.services import current_figures
from federation.hub.registry.models import Invitation, Node, NodeKey, NodeStatus, RegistryEvent
from federation.hub.registry.replacement import invite_replacement
from federation.hub.registry.services import invite, revoke_key
from tests.federation.hub.conftest import FakeNode
from tests.federation.hub.registry.test_pages import admin, post
from wijknet.errors import Conflict
from wijknet.web.database import utcnow


def replace(app: Flask, node_id: str = "noordwest-2", replaces: str = "noordwest") -> str:
    with app.app_context():
        made = invite_replacement(
            "tests", replaces=replaces, node_id=node_id, name=None, municipality=None, areas=None, now=utcnow(),
            valid_days=7,
        )  # fmt: skip
        db.session.commit()
        return made.token


def revoke(app: Flask, kid: str) -> None:
    with app.app_context():
        revoke_key("tests", kid, utcnow())
        db.session.commit()


def requests_new_total(app: Flask, period: str) -> int | None:
    with app.app_context():
        current_figures()  # projected first, as every reader does
        db.session.commit()
        return db.session.scalar(
            select(FigureTotal.value_millionths).where(
                FigureTotal.area == "WK034402",
                FigureTotal.period == period,
                FigureTotal.category == "_all",
                FigureTotal.metric == "requests_new",
            )
        )


def test_revoke_then_enrol_again_under_a_new_id(hub_app: Flask, hub_url: str, node: FakeNode) -> None:
    assert node.send_report(node.report_payload("2026-09")).status_code == 201
    assert node.send_report(node.report_payload("2026-10")).status_code == 201
    assert requests_new_total(hub_app, "2026-10") == 40_000_000
    revoke(hub_app, node.key.kid)
    assert node.send_report(node.report_payload("2026-10", 2)).json()["code"] == "key_revoked"

    token = replace(hub_app)
    with hub_app.app_context():
        old = db.session.get(Node, "noordwest")
        assert old.status == NodeStatus.SUSPENDED
        assert "replaced by noordwest-2" in db.session.scalars(select(RegistryEvent.detail)).all()[-1]
        invitation = db.session.scalars(select(Invitation).where(Invitation.node_id == "noordwest-2")).one()
        assert (invitation.name, invitation.municipality, invitation.areas) == (old.name, "GM0344", ["WK034402"])
        assert current_figures("noordwest") == []  # withdrawn: the new node sends these months again
        assert db.session.scalar(select(func.count()).select_from(Report)) == 2  # kept for audit
    assert requests_new_total(hub_app, "2026-10") is None

    back = FakeNode(hub_url, "noordwest-2")
    assert back.enroll(token).status_code == 201
    assert back.send_report(back.report_payload("2026-10")).status_code == 201
    assert requests_new_total(hub_app, "2026-10") == 40_000_000  # counted once, not twice
    # The old key stays refused, whatever it signs.
    assert node.send_report(node.report_payload("2026-11")).json()["code"] == "key_revoked"
    assert back.send_report(back.report_payload("2026-10", 2), key=node.key).json()["code"] == "key_revoked"


def test_a_registered_node_id_is_not_invited_again_and_the_refusal_says_what_to_do(
    hub_app: Flask, node: FakeNode
) -> None:
    def invite_again() -> None:
        invite("tests", node_id="noordwest", name="Noordwest", municipality="GM0344", areas=["WK034402"],
               now=utcnow(), valid_days=7)  # fmt: skip

    with hub_app.app_context():
        with pytest.raises(Conflict, match="wijknet node rotate-key"):
            invite_again()
        with pytest.raises(Conflict, match="usable key"):
            invite_replacement("tests", replaces="noordwest", node_id="noordwest-2", name=None, municipality=None,
                               areas=None, now=utcnow(), valid_days=7)  # fmt: skip
    revoke(hub_app, node.key.kid)
    with hub_app.app_context():
        with pytest.raises(Conflict, match="--node-id noordwest-2 --replaces noordwest"):
            invite_again()
        with pytest.raises(Conflict, match="already registered"):
            invite_replacement("tests", replaces="noordwest", node_id="noordwest", name=None, municipality=None,
                               areas=None, now=utcnow(), valid_days=7)  # fmt: skip


def test_a_retired_key_is_no_usable_key(hub_app: Flask, hub_url: str, node: FakeNode) -> None:
    """After a rotation the old key only covers what it signed before: it signs nothing new."""
    with hub_app.app_context():
        db.session.get(NodeKey, node.key.kid).retired_after = utcnow()
        db.session.commit()
    token = replace(hub_app)
    assert FakeNode(hub_url, "noordwest-2").enroll(token).status_code == 201


def test_the_registry_pages_invite_a_node_again(hub_app: Flask, node: FakeNode) -> None:
    revoke(hub_app, node.key.kid)
    client = admin(hub_app)
    page = client.get("/registry/nodes/noordwest").get_data(as_text=True)
    assert "/registry/invite?replaces=noordwest" in page
    form = client.get("/registry/invite?replaces=noordwest").get_data(as_text=True)
    assert 'value="noordwest-2"' in form and "WK034402</textarea>" in form
    made = post(
        client,
        "/registry/invite",
        {"node_id": "noordwest-2", "name": "Noordwest", "municipality": "GM0344", "areas": "WK034402",
         "replaces": "noordwest"},
    )  # fmt: skip
    assert made.status_code == 201
    assert "wijknet node enroll --again" in made.get_data(as_text=True)
    with hub_app.app_context():
        assert db.session.get(Node, "noordwest").status == NodeStatus.SUSPENDED


def test_the_registry_page_refuses_a_registered_node_id(hub_app: Flask, node: FakeNode) -> None:
    client = admin(hub_app)
    answer = post(
        client, "/registry/invite", {"node_id": "noordwest", "name": "N", "municipality": "GM0344", "areas": "WK034402"}
    )
    assert answer.status_code == 422
    with hub_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1  # the fixture's own
