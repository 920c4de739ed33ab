"""A node whose key the hub revoked comes back under a new node id, end to end with a real hub."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from federation.hub.extensions import db as hub_db
from federation.hub.registry.replacement import invite_replacement
from federation.hub.registry.services import revoke_key
from federation.protocol import envelopes
from federation.protocol.keys import load_signing_key
from node.accounts.actor import Actor
from node.extensions import db
from node.federation.enrollment import enroll
from node.federation.keys import KEY_FILENAME, NEXT_KEY_FILENAME, current_key
from node.federation.link import client_for, require_link
from node.federation.models import HubLink, OutboxKind, OutboxState, PublishedPeriod
from node.federation.reenrollment import enroll_again
from node.federation.reports import build_reports
from node.federation.status import federation_status
from tests.node.factories import Factory
from tests.node.federation.conftest import NODE_ID, hub_figures, outbox, run_sync
from tests.node.federation.test_sync import activity  # noqa: F401
from wijknet.errors import Conflict
from wijknet.web.database import utcnow

NEW_ID = "noordwest-2"


def revoke_current_key(hub_app: Flask, kid: str) -> None:
    with hub_app.app_context():
        revoke_key("tests", kid, utcnow())
        hub_db.session.commit()


def replacement_token(hub_app: Flask) -> str:
    with hub_app.app_context():
        made = invite_replacement(
            "tests", replaces=NODE_ID, node_id=NEW_ID, name=None, municipality=None, areas=None, now=utcnow(),
            valid_days=7,
        )  # fmt: skip
        hub_db.session.commit()
        return made.token


def figures_sent_as(app: Flask, node_id: str) -> dict[tuple[str, str, str, str], Any]:
    """The newest delivered revision of each month the node sent under `node_id`, figure by figure."""
    latest: dict[str, dict[str, Any]] = {}
    for item in outbox(app):
        payload = item["payload"]
        if item["kind"] != OutboxKind.REPORT or item["state"] != OutboxState.DELIVERED or payload["node_id"] != node_id:
            continue
        if payload["period"] not in latest or payload["revision"] > latest[payload["period"]]["revision"]:
            latest[payload["period"]] = payload
    return {
        (period, f["area"], f["category"], f["metric"]): (f["value"], payload["revision"])
        for period, payload in latest.items()
        for f in payload["figures"]
    }


def test_a_revoked_node_enrols_again_under_a_new_id_and_sends_every_month_anew(
    app: Flask,
    hub_app: Flask,
    hub_url: str,
    make: Factory,
    enrolled: dict[str, Any],
    activity: None,  # noqa: F811
) -> None:
    first = run_sync(app)
    months = len(first["revisions"])
    old_key = load_signing_key(Path(app.instance_path) / KEY_FILENAME)
    revoke_current_key(hub_app, enrolled["kid"])

    make.activity(category="social", held_on=(utcnow() - timedelta(days=31)).date(), participants=9)
    refused = run_sync(app)
    assert refused["failed"] == 1 and refused["key_revoked"] is True
    with app.app_context():
        status = federation_status(Actor.system("tests"))
        assert status["key_revoked"] is True and status["failures"][0]["problem"]["code"] == "key_revoked"
        with pytest.raises(Conflict, match="enroll --again"):
            enroll(Actor.system("tests"), client_for(hub_url), node_id=NEW_ID, token="x" * 43, now=utcnow())
        with pytest.raises(Conflict, match="--replaces noordwest"):
            enroll_again(Actor.system("tests"), client_for(hub_url), node_id=NODE_ID, token="x" * 43, now=utcnow())

    token = replacement_token(hub_app)
    with app.app_context():
        link = enroll_again(Actor.system("tests"), client_for(hub_url), node_id=NEW_ID, token=token, now=utcnow())
        new_kid = link.kid
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(PublishedPeriod)) == 0
    assert new_kid not in (enrolled["kid"], old_key.kid)
    assert load_signing_key(Path(app.instance_path) / KEY_FILENAME).kid == new_kid
    assert not (Path(app.instance_path) / NEXT_KEY_FILENAME).exists()

    again = run_sync(app)
    assert len(again["revisions"]) == months and {r["revision"] for r in again["revisions"]} == {1}
    assert again["delivered"] == months and again["failed"] == 0 and again["key_revoked"] is False
    assert hub_figures(hub_app, NEW_ID) == figures_sent_as(app, NEW_ID)
    assert hub_figures(hub_app, NODE_ID) == {}  # withdrawn: the city counts no month twice
    with app.app_context():
        status = federation_status(Actor.system("tests"))
        assert status["node_id"] == NEW_ID and status["kid"] == new_kid and status["key_revoked"] is False
        assert db.session.scalars(db.select(HubLink)).one().node_id == NEW_ID

    # The revoked key stays refused, whatever it signs and for whichever node id.
    for node_id in (NODE_ID, NEW_ID):
        payload = {**again_payload(app), "node_id": node_id, "report_id": "6f1c0a52-9d8e-4c1b-a7f0-2b3c4d5e6f70"}
        answer = requests.post(
            f"{hub_url}/api/v1/federation/reports",
            data=envelopes.report(old_key, payload).body.encode("ascii"),
            headers={"Content-Type": "application/jose"},
            timeout=10,
        )
        assert (answer.status_code, answer.json()["code"]) == (403, "key_revoked")


def again_payload(app: Flask) -> dict[str, Any]:
    """A report the new node delivered, to sign again with the revoked key."""
    return next(i["payload"] for i in reversed(outbox(app)) if i["state"] == OutboxState.DELIVERED)


def test_messages_waiting_under_the_revoked_key_are_set_aside_not_sent(
    app: Flask,
    hub_app: Flask,
    hub_url: str,
    enrolled: dict[str, Any],
    activity: None,  # noqa: F811
) -> None:
    with app.app_context():
        built = build_reports(require_link(), current_key(), utcnow())  # made and signed, not sent
        db.session.commit()
    revoke_current_key(hub_app, enrolled["kid"])
    token = replacement_token(hub_app)
    with app.app_context():
        enroll_again(Actor.system("tests"), client_for(hub_url), node_id=NEW_ID, token=token, now=utcnow())
        db.session.commit()
    old = [i for i in outbox(app) if i["payload"]["node_id"] == NODE_ID]
    assert len(old) == len(built.revisions) and {i["state"] for i in old} == {OutboxState.FAILED}
    assert all("enrolled again as noordwest-2" in i["last_error"] and i["attempts"] == 0 for i in old)
    summary = run_sync(app)
    assert summary["delivered"] == len(built.revisions) and summary["failed"] == 0


def test_a_refused_enrollment_leaves_the_node_as_it_was(
    app: Flask, hub_app: Flask, hub_url: str, enrolled: dict[str, Any]
) -> None:
    revoke_current_key(hub_app, enrolled["kid"])
    with app.app_context():
        with pytest.raises(Exception, match="invalid_token"):
            enroll_again(Actor.system("tests"), client_for(hub_url), node_id=NEW_ID, token="y" * 43, now=utcnow())
        link = db.session.scalars(db.select(HubLink)).one()
        assert (link.node_id, link.kid) == (NODE_ID, enrolled["kid"])
    assert load_signing_key(Path(app.instance_path) / KEY_FILENAME).kid == enrolled["kid"]
