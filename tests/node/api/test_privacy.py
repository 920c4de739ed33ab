"""GDPR: a member's data export, erasure that keeps the anonymous history, and the retention of free text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, json
from flask.testing import FlaskClient

from node.extensions import db
from node.help.models import HelpRequest
from node.matching.models import Match
from node.privacy.services import apply_retention
from node.work.models import TimeLog
from schemas.node.codes import MatchStatus, Role
from tests.node.api.conftest import PASSWORD, assert_problem, bearer, update_row
from tests.node.factories import Factory


def test_the_export_holds_everything_about_the_member_and_nothing_about_others(
    client: FlaskClient, make: Factory
) -> None:
    anna, anna_headers = make.person(
        Role.VOLUNTEER, name="Anna Export", email="anna@example.org", phone="030 111 1111", password=PASSWORD
    )
    bert = make.member(name="Bert Anders", email="bert@example.org", phone="030 222 2222", notes="Bert-notitie")
    own_request = make.help_request(anna, "digital", description="Anna's laptop")
    berts_request = make.help_request(bert, "garden", description="Bert's heg")
    make.offer(anna, ("garden",), description="Anna helpt graag")
    make.match(berts_request, anna, MatchStatus.ACCEPTED)
    make.match(own_request, make.member(roles=(Role.VOLUNTEER,), name="Cees Helper"))
    make.time_log(anna, match_id=client.get("/api/v1/matches", headers=anna_headers).json["items"][-1]["id"])
    _, coordinator = make.person(Role.COORDINATOR)
    client.get(f"/api/v1/members/{anna}", headers=coordinator)  # shows up in Anna's access log

    response = client.get(f"/api/v1/members/{anna}/export", headers=anna_headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert f"wijknet-export-member-{anna}.json" in response.headers["Content-Disposition"]
    export = response.json
    assert export["format"] == "wijknet.member-export/1"
    assert (export["member"]["name"], export["member"]["email"], export["member"]["phone"]) == (
        "Anna Export",
        "anna@example.org",
        "030 111 1111",
    )
    assert export["member"]["roles"] == ["member", "volunteer"] and export["account"]["active"] is True
    assert [c["purpose"] for c in export["consents"]] == ["membership"]
    assert [r["description"] for r in export["help_requests"]] == ["Anna's laptop"]
    assert [o["description"] for o in export["help_offers"]] == ["Anna helpt graag"]
    assert [m["request_id"] for m in export["matches_as_volunteer"]] == [berts_request]
    assert [m["request_id"] for m in export["matches_on_own_requests"]] == [own_request]
    assert len(export["time_logs"]) == 1 and len(export["api_tokens"]) == 1
    assert {"view", "export"} <= {e["action"] for e in export["access_log"]}
    text = response.get_data(as_text=True)
    for someone_elses in ("Bert", "bert@example.org", "030 222 2222", "Bert's heg", "Cees"):
        assert someone_elses not in text


def test_others_cannot_export_a_members_data(client: FlaskClient, make: Factory) -> None:
    _, member = make.person(Role.MEMBER)
    assert_problem(client.get(f"/api/v1/members/{make.member()}/export", headers=member), 403)


def past_activity(app: Flask, make: Factory) -> tuple[int, int, dict[str, str]]:
    """A requester and a volunteer with history from October 2025 on, and things still open now."""
    requester, requester_headers = make.person(
        Role.MEMBER, name="Rita Vraag", phone="030 333 3333", street_address="Kerkstraat 1", password=PASSWORD
    )
    volunteer = make.member(roles=(Role.VOLUNTEER,), name="Victor Hulp", skills=["garden"])
    past = make.help_request(requester, "garden", description="Snoeien in oktober")
    update_row(app, HelpRequest, past, created_at=datetime(2025, 10, 3, 9, tzinfo=UTC))
    accepted = make.match(past, volunteer, MatchStatus.ACCEPTED)
    update_row(app, HelpRequest, past, matched_at=datetime(2025, 10, 6, 9, tzinfo=UTC))
    update_row(app, Match, accepted, responded_at=datetime(2025, 10, 6, 9, tzinfo=UTC), note="Sleutel bij de buren")
    log = make.time_log(volunteer, match_id=accepted)
    update_row(app, TimeLog, log, note="Heg was groot")
    make.offer(volunteer, ("garden",), description="Tuinman")
    make.help_request(requester, "shopping", description="Nu nog open")
    others = make.help_request(make.member(), "garden")
    make.match(others, volunteer, MatchStatus.ACCEPTED)  # live: withdrawn, the request reopens
    return requester, volunteer, requester_headers


def test_erasure_removes_personal_data_and_keeps_the_anonymous_history(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    requester, volunteer, requester_headers = past_activity(app, make)
    _, admin = make.person(Role.ADMIN)
    _, coordinator = make.person(Role.COORDINATOR, buurt_code=None)
    october = "/api/v1/needs-analysis?period_from=2025-10&period_to=2025-10"
    before = client.get(october, headers=coordinator).json
    assert before["totals"] and before["totals"][0]["demand"] == 1

    assert_problem(client.post(f"/api/v1/members/{requester}/erasure", json={"confirm": False}, headers=admin), 422)
    erased = client.post(f"/api/v1/members/{requester}/erasure", json={"confirm": True}, headers=requester_headers)
    assert erased.status_code == 200
    assert (erased.json["member_id"], erased.json["requests_cancelled"]) == (requester, 2)  # matched and open
    assert client.post(f"/api/v1/members/{volunteer}/erasure", json={"confirm": True}, headers=admin).status_code == 200

    assert_problem(client.get("/api/v1/members/me", headers=requester_headers), 401)  # the token went too
    for member_id in (requester, volunteer):
        member = client.get(f"/api/v1/members/{member_id}", headers=admin).json
        personal = ("name", "email", "phone", "street_address", "postcode", "notes", "birth_year")
        assert all(member[key] is None for key in personal), member
        assert (member["erased"], member["has_account"], member["roles"], member["skills"], member["availability"]) == (
            True,
            False,
            ["member"],
            [],
            [],
        )
    requests = client.get(f"/api/v1/help-requests?requester_id={requester}", headers=coordinator).json["items"]
    assert [r["status"] for r in requests] == ["cancelled", "cancelled"]
    assert all(r["description"] is None and r["text_cleared_at"] for r in requests)
    matches = client.get(f"/api/v1/matches?volunteer_id={volunteer}", headers=coordinator).json["items"]
    assert sorted(m["status"] for m in matches) == ["withdrawn", "withdrawn"]
    assert all(m["note"] is None for m in matches)
    offers = client.get(f"/api/v1/help-offers?volunteer_id={volunteer}", headers=coordinator).json["items"]
    assert [(o["status"], o["description"], o["availability"]) for o in offers] == [("ended", None, [])]
    logs = client.get(f"/api/v1/time-logs?member_id={volunteer}", headers=coordinator).json["items"]
    assert [(t["hours"], t["note"]) for t in logs] == [("2.00", None)]  # the hours stay, the words go
    others = client.get("/api/v1/help-requests?status=open", headers=coordinator).json["items"]
    assert len(others) == 1  # the other resident's request waits for a new volunteer

    after = client.get(october, headers=coordinator).json
    assert (after["rows"], after["totals"]) == (before["rows"], before["totals"])
    assert_problem(client.post(f"/api/v1/members/{requester}/erasure", json={"confirm": True}, headers=admin), 409)


def test_the_last_administrator_cannot_be_erased(client: FlaskClient, make: Factory) -> None:
    admin, headers = make.person(Role.ADMIN)
    assert_problem(client.post(f"/api/v1/members/{admin}/erasure", json={"confirm": True}, headers=headers), 409)
    other, _ = make.person(Role.ADMIN)
    assert client.post(f"/api/v1/members/{admin}/erasure", json={"confirm": True}, headers=headers).status_code == 200
    assert client.get(f"/api/v1/members/{other}", headers=bearer(make.token(other, Role.ADMIN))).status_code == 200


def closed_request(app: Flask, make: Factory, months_ago: int) -> int:
    """A done request with free text everywhere, closed about `months_ago` months ago."""
    request_id = make.help_request(make.member(), description=f"Gesloten {months_ago} maanden geleden")
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    match_id = make.match(request_id, volunteer, MatchStatus.COMPLETED)
    log = make.time_log(volunteer, match_id=match_id)
    closed = datetime.now(UTC) - timedelta(days=months_ago * 31)
    update_row(app, HelpRequest, request_id, status="done", closed_at=closed, closing_note="Klaar")
    update_row(app, Match, match_id, note="Goed gegaan")
    update_row(app, TimeLog, log, note="Twee uur")
    return request_id


def texts(app: Flask, request_id: int) -> tuple[Any, ...]:
    with app.app_context():
        request = db.session.get(HelpRequest, request_id)
        match = db.session.scalars(db.select(Match).where(Match.request_id == request_id)).one()
        log = db.session.scalars(db.select(TimeLog).where(TimeLog.match_id == match.id)).one()
        return request.description, request.closing_note, match.note, log.note, request.text_cleared_at is not None


def test_retention_clears_the_text_of_requests_closed_longer_ago_than_the_setting(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    _, admin = make.person(Role.ADMIN)
    assert client.patch("/api/v1/settings", json={"retention_months": 6}, headers=admin).json["retention_months"] == 6
    old = closed_request(app, make, months_ago=7)
    recent = closed_request(app, make, months_ago=5)
    still_open = make.help_request(make.member(), description="Al lang open")
    update_row(app, HelpRequest, still_open, created_at=datetime.now(UTC) - timedelta(days=400))

    with app.app_context():
        result = apply_retention()
        db.session.commit()
    assert (result.requests_cleared, result.matches_cleared, result.time_logs_cleared) == (1, 1, 1)
    assert texts(app, old) == (None, None, None, None, True)
    assert texts(app, recent) == ("Gesloten 5 maanden geleden", "Klaar", "Goed gegaan", "Twee uur", False)
    _, coordinator = make.person(Role.COORDINATOR)
    assert client.get(f"/api/v1/help-requests/{still_open}", headers=coordinator).json["description"] == "Al lang open"
    audit = client.get("/api/v1/audit-events?action=retention", headers=admin).json["items"]
    assert len(audit) == 1 and "1 requests" in audit[0]["detail"]
    assert json.dumps(audit).count("Gesloten") == 0


def test_export_writes_dates_in_iso_8601(client, make) -> None:
    from datetime import datetime

    from schemas.node.codes import Role

    member_id, headers = make.person(Role.MEMBER)
    exported = client.get(f"/api/v1/members/{member_id}/export", headers=headers).json
    datetime.fromisoformat(exported["exported_at"])
    datetime.fromisoformat(exported["consents"][0]["given_at"])
    assert exported["member"]["joined_on"].count("-") == 2
