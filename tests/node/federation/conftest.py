"""A node and a real hub on 127.0.0.1 side by side: the node enrols, syncs and is looked at from both ends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from federation.hub.extensions import db as hub_db
from federation.hub.figures.services import current_figures
from federation.protocol.encoding import b64url_decode, json_object
from node.accounts.actor import Actor
from node.extensions import db
from node.federation.enrollment import enroll
from node.federation.link import client_for
from node.federation.models import OutboxItem, OutboxKind, OutboxState
from node.federation.sync import sync
from tests.federation.hub.conftest import hub_app, hub_key, hub_settings, hub_url, make_invitation  # noqa: F401
from wijknet.web.database import utcnow

NODE_ID = "noordwest"


@pytest.fixture
def hub_database_url(tmp_path: Path) -> str:
    """The hub on SQLite here: the node's database is the one these tests vary."""
    return f"sqlite:///{tmp_path / 'hub.sqlite3'}"


def enroll_node(app: Flask, hub_app: Flask, url: str, node_id: str = NODE_ID) -> dict[str, Any]:  # noqa: F811
    token = make_invitation(hub_app, node_id, ("WK034402",))
    with app.app_context():
        link = enroll(Actor.system("tests"), client_for(url), node_id=node_id, token=token, now=utcnow())
        db.session.commit()
        return {"node_id": link.node_id, "kid": link.kid}


@pytest.fixture
def enrolled(app: Flask, hub_app: Flask, hub_url: str) -> dict[str, Any]:  # noqa: F811
    return enroll_node(app, hub_app, hub_url)


def run_sync(app: Flask, clock: Callable[[], datetime] = utcnow) -> dict[str, Any]:
    with app.app_context():
        summary = sync(Actor.system("tests"), clock=clock)
        db.session.commit()
        return summary


def outbox(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        return [
            {
                "kind": item.kind,
                "period": item.period,
                "revision": item.revision,
                "state": item.state,
                "attempts": item.attempts,
                "next_attempt_at": item.next_attempt_at,
                "last_error": item.last_error,
                "payload": json_object(b64url_decode(item.body.split(".")[1]))
                if item.kind != OutboxKind.KEY_ROTATION
                else None,
            }
            for item in db.session.scalars(db.select(OutboxItem).order_by(OutboxItem.id))
        ]


def node_figures(app: Flask) -> dict[tuple[str, str, str, str], Any]:
    """What the node published: the newest delivered revision of each month, figure by figure."""
    latest: dict[str, dict[str, Any]] = {}
    for item in outbox(app):
        if item["kind"] == OutboxKind.REPORT and item["state"] == OutboxState.DELIVERED:
            payload = item["payload"]
            if payload["period"] not in latest or payload["revision"] > latest[payload["period"]]["revision"]:
                latest[payload["period"]] = payload
    return {
        (period, f["area"], f["category"], f["metric"]): (f["value"], payload["revision"])
        for period, payload in latest.items()
        for f in payload["figures"]
    }


def hub_figures(hub_app: Flask, node_id: str = NODE_ID) -> dict[tuple[str, str, str, str], Any]:  # noqa: F811
    with hub_app.app_context():
        found = {(f.period, f.area, f.category, f.metric): (f.value, f.revision) for f in current_figures(node_id)}
        hub_db.session.commit()
        return found
