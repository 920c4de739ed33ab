"""A node enrols at a real hub, syncs, corrects, rotates its key; the hub holds exactly what the node computed."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from federation.hub.extensions import db as hub_db
from federation.hub.figures.models import Report
from federation.hub.registry.services import suspend
from federation.protocol.keys import KeyFileError, load_signing_key
from federation.protocol.periods import period_end, period_of
from node.accounts.actor import Actor
from node.app import create_app
from node.extensions import db
from node.federation.keys import KEY_FILENAME
from node.federation.models import HubLink
from node.federation.rotation import start_rotation
from node.federation.status import federation_status
from node.help.models import HelpRequest
from schemas.node.codes import Role
from tests.node.conftest import TEST_SETTINGS
from tests.node.factories import Factory
from tests.node.federation.conftest import NODE_ID, hub_figures, node_figures, outbox, run_sync
from wijknet.web.database import utcnow


@pytest.fixture
def activity(app: Flask, make: Factory) -> None:
    """Enough to report on: members and requests in the last three months."""
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    for index in range(7):
        requester = make.member(buurt_code="BU03440202")
        request_id = make.help_request(requester, "shopping")
        with app.app_context():
            row = db.session.get(HelpRequest, request_id)
            row.created_at = utcnow() - timedelta(days=20 * index)
            db.session.commit()
    make.offer(volunteer, ("shopping",))


def test_enrollment_makes_a_private_key_and_remembers_the_hub(app: Flask, enrolled: dict[str, Any]) -> None:
    key_file = Path(app.instance_path) / KEY_FILENAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_signing_key(key_file).kid == enrolled["kid"]
    with app.app_context():
        link = db.session.scalars(db.select(HubLink)).one()
        assert (link.node_id, link.hub_id, link.areas, link.min_count) == (NODE_ID, "samen030", ["WK034402"], 5)
        status = federation_status(Actor.system("tests"))
        assert status["enrolled"] and status["areas_not_covered"] == []


def test_the_hub_holds_exactly_what_the_node_computed(
    app: Flask, hub_app: Flask, enrolled: dict[str, Any], activity: None
) -> None:
    summary = run_sync(app)
    assert summary["revisions"] and summary["delivered"] == len(summary["revisions"]) and summary["waiting"] == 0
    published = node_figures(app)
    assert published  # figures for every month since the first data
    assert hub_figures(hub_app) == published
    # Nothing changed, nothing is sent.
    again = run_sync(app)
    assert again["revisions"] == [] and again["delivered"] == 0


def test_a_late_entry_makes_one_new_revision_of_its_month(
    app: Flask, hub_app: Flask, make: Factory, enrolled: dict[str, Any], activity: None
) -> None:
    run_sync(app)
    two_months_ago = utcnow() - timedelta(days=62)
    make.activity(category="social", held_on=two_months_ago.date(), participants=14)  # entered late
    summary = run_sync(app)
    assert summary["revisions"] == [{"period": period_of(two_months_ago), "revision": 2}]
    assert hub_figures(hub_app) == node_figures(app)
    with hub_app.app_context():
        revisions = hub_db.session.scalars(
            hub_db.select(Report.revision).where(Report.period == period_of(two_months_ago)).order_by(Report.revision)
        ).all()
        assert revisions == [1, 2]  # the first is kept for audit


def test_a_month_is_sent_again_when_it_becomes_complete(
    app: Flask, hub_app: Flask, enrolled: dict[str, Any], activity: None
) -> None:
    first = run_sync(app)
    current = max(r["period"] for r in first["revisions"])
    after_month = period_end(current) + timedelta(hours=1)
    summary = run_sync(app, clock=lambda: after_month)
    assert {"period": current, "revision": 2} in summary["revisions"]
    payload = next(i["payload"] for i in outbox(app) if i["period"] == current and i["revision"] == 2)
    assert payload["complete"] is True


def test_no_personal_data_leaves_the_node(app: Flask, make: Factory, enrolled: dict[str, Any], activity: None) -> None:
    secret_bits = ["Henriëtte Zonneveld", "h.zonneveld@voorbeeld.nl", "06-12345678", "Kastanjelaan 12", "3552 AB"]
    requester = make.member(
        name=secret_bits[0], email=secret_bits[1], phone=secret_bits[2], street_address=secret_bits[3]
    )
    make.help_request(requester, "light_care", description="Mevrouw Zonneveld heeft hulp nodig na haar operatie")
    run_sync(app)
    bodies = " ".join(str(item["payload"]) for item in outbox(app))
    for bit in [*secret_bits, "Zonneveld", "operatie"]:
        assert bit not in bodies
    for item in outbox(app):
        payload = item["payload"]
        assert set(payload) == {"schema", "report_id", "node_id", "period", "revision", "complete", "issued_at",
                                "disclosure", "figures"}  # fmt: skip
        for figure in payload["figures"]:
            assert set(figure) <= {"area", "category", "metric", "value", "suppressed"}


def test_a_refusal_is_kept_for_the_administrator_and_a_later_revision_is_unaffected(
    app: Flask, hub_app: Flask, make: Factory, enrolled: dict[str, Any], activity: None
) -> None:
    with hub_app.app_context():
        suspend("tests", NODE_ID, utcnow())
        hub_db.session.commit()
    summary = run_sync(app)
    assert summary["failed"] == len(summary["revisions"]) and summary["delivered"] == 0
    with app.app_context():
        status = federation_status(Actor.system("tests"))
    assert status["outbox"]["failed"] == summary["failed"]
    assert status["failures"][0]["problem"]["code"] == "node_suspended"


def test_key_rotation_then_reports_with_the_new_key(
    app: Flask, hub_app: Flask, make: Factory, enrolled: dict[str, Any], activity: None
) -> None:
    run_sync(app)
    with app.app_context():
        item = start_rotation(Actor.system("tests"), utcnow())
        new_kid = item.subject_id
        db.session.commit()
    summary = run_sync(app)
    assert summary["delivered"] == 1 and summary["revisions"] == []  # nothing new is signed while it waits
    key = load_signing_key(Path(app.instance_path) / KEY_FILENAME)
    assert key.kid == new_kid
    with app.app_context():
        assert db.session.scalars(db.select(HubLink)).one().kid == new_kid
    make.activity(category="social", held_on=(utcnow() - timedelta(days=31)).date(), participants=9)
    after = run_sync(app)
    assert after["delivered"] == 1 and after["failed"] == 0
    assert hub_figures(hub_app) == node_figures(app)


def test_the_node_refuses_to_start_with_a_key_file_others_can_read(app: Flask, enrolled: dict[str, Any]) -> None:
    key_file = Path(app.instance_path) / KEY_FILENAME
    os.chmod(key_file, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        create_app(app.instance_path, {**TEST_SETTINGS, "database_url": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_not_enrolled_sync_says_what_to_do(app: Flask) -> None:
    from wijknet.errors import Conflict

    with app.app_context(), pytest.raises(Conflict, match="wijknet node enroll"):
        run_sync(app)


def test_the_administrator_sees_a_refusal_and_sends_it_again(
    app: Flask, hub_app: Flask, make: Factory, enrolled: dict[str, Any], activity: None
) -> None:
    from federation.hub.registry.services import reinstate

    _, admin = make.person(Role.ADMIN)  # before the sync: a new member would change this month's figures
    with hub_app.app_context():
        suspend("tests", NODE_ID, utcnow())
        hub_db.session.commit()
    run_sync(app)
    client = app.test_client()
    status = client.get("/api/v1/federation", headers=admin).json
    assert status["enrolled"] and status["outbox"]["failed"] > 0
    failure = status["failures"][0]
    assert failure["problem"]["code"] == "node_suspended" and failure["state"] == "failed"
    failed = client.get("/api/v1/federation/outbox?state=failed", headers=admin).json
    assert failed["total"] == status["outbox"]["failed"]
    with hub_app.app_context():
        reinstate("tests", NODE_ID)
        hub_db.session.commit()
    for item in failed["items"]:
        retried = client.post(f"/api/v1/federation/outbox/{item['id']}/retry", headers=admin)
        assert retried.status_code == 200 and retried.json["state"] == "pending"
    assert client.post(f"/api/v1/federation/outbox/{failed['items'][0]['id']}/retry", headers=admin).status_code == 409
    summary = run_sync(app)
    assert summary["delivered"] == failed["total"] and summary["failed"] == 0
    assert hub_figures(hub_app) == node_figures(app)
