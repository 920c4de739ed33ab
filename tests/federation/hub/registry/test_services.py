"""The registry's services check the actor themselves: only an administrator (or the hub itself) changes it."""

from __future__ import annotations

import pytest
from flask import Flask

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.extensions import db
from federation.hub.registry import services as registry
from federation.hub.registry.models import Node, NodeStatus, RegistryEvent
from tests.federation.hub.conftest import FakeNode
from wijknet.errors import PermissionDenied
from wijknet.web.database import utcnow

ANALYST = HubActor(user_id=1, token_id=None, role=HubRole.ANALYST, municipality=None, label="analyst@example.org")
UTRECHT = HubActor(user_id=None, token_id=2, role=HubRole.MUNICIPALITY, municipality="GM0344", label="token 2")
ADMIN = HubActor(user_id=3, token_id=None, role=HubRole.ADMIN, municipality=None, label="admin@example.org")


@pytest.mark.parametrize("actor", [ANALYST, UTRECHT])
def test_only_an_administrator_changes_or_reads_the_registry(hub_app: Flask, node: FakeNode, actor: HubActor) -> None:
    now = utcnow()
    with hub_app.app_context():
        for change in (
            lambda: registry.suspend(actor, "noordwest", now),
            lambda: registry.revoke_key(actor, node.key.kid, now),
            lambda: registry.invite(
                actor, node_id="zuilen", name="Z", municipality="GM0344", areas=["WK034402"], now=now, valid_days=7
            ),
            lambda: registry.node_overview(actor, now, 10),
            lambda: registry.pending_invitations(actor, now),
            lambda: registry.node_events(actor, "noordwest"),
        ):
            with pytest.raises(PermissionDenied):
                change()
        assert db.session.get(Node, "noordwest").status == NodeStatus.ACTIVE


def test_an_administrators_change_is_recorded_under_their_name(hub_app: Flask, node: FakeNode) -> None:
    with hub_app.app_context():
        registry.suspend(ADMIN, "noordwest", utcnow())
        registry.reinstate(ADMIN, "noordwest")
        db.session.commit()
        actors = [event.actor for event in registry.node_events(ADMIN, "noordwest")]
        assert actors[:2] == ["admin@example.org", "admin@example.org"]
        assert db.session.scalar(db.select(db.func.count()).select_from(RegistryEvent)) == 4  # with invite, enroll
