"""`/api/v1/help-requests`: intake, the status workflow and its timestamps, filters and the inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from node.help.models import HelpRequest
from schemas.node.codes import MatchStatus, RequestStatus, Role
from tests.node.api.conftest import assert_problem, error_fields, update_row
from tests.node.factories import Factory

ALL_STATUSES = [s.value for s in RequestStatus]
# The workflow by a person's hand; `matched` only ever follows an accepted match.
ALLOWED = {
    "open": {"cancelled", "referred"},
    "matched": {"in_progress", "done", "cancelled", "referred"},
    "in_progress": {"done", "cancelled", "referred"},
    "done": set(),
    "cancelled": set(),
    "referred": set(),
}


def request_in(
    client: FlaskClient, make: Factory, headers: dict[str, str], status: str, requester: int, volunteer: int
) -> int:
    """A request brought to `status` the way it happens for real."""
    request_id = make.help_request(requester)
    if status in ("matched", "in_progress", "done"):
        make.match(request_id, volunteer, MatchStatus.ACCEPTED)
    steps = {"in_progress": ["in_progress"], "done": ["done"], "cancelled": ["cancelled"], "referred": ["referred"]}
    for step in steps.get(status, []):
        body = {"status": step, "referral_to": "social_team"} if step == "referred" else {"status": step}
        assert client.put(f"/api/v1/help-requests/{request_id}/status", json=body, headers=headers).status_code == 200
    return request_id


@pytest.mark.parametrize("start", ALL_STATUSES)
def test_every_status_change_is_allowed_or_refused_by_the_workflow(
    client: FlaskClient, make: Factory, start: str
) -> None:
    _, headers = make.person(Role.COORDINATOR)
    requester, volunteer = make.member(), make.member(roles=(Role.VOLUNTEER,))
    for target in ALL_STATUSES:
        request_id = request_in(client, make, headers, start, requester, volunteer)
        body = {"status": target, "referral_to": "gp"}
        response = client.put(f"/api/v1/help-requests/{request_id}/status", json=body, headers=headers)
        if target in ALLOWED[start]:
            assert response.status_code == 200, (start, target, response.json)
            assert response.json["status"] == target
        else:
            assert response.status_code == 409, (start, target, response.json)
            assert_problem(response, 409, "invalid_transition")
            assert client.get(f"/api/v1/help-requests/{request_id}", headers=headers).json["status"] == start


def test_each_step_of_the_workflow_is_dated(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    request_id = make.help_request(make.member())
    fresh = client.get(f"/api/v1/help-requests/{request_id}", headers=headers).json
    assert fresh["status"] == "open" and fresh["created_at"]
    assert (fresh["matched_at"], fresh["started_at"], fresh["closed_at"]) == (None, None, None)

    make.match(request_id, volunteer, MatchStatus.ACCEPTED)
    matched = client.get(f"/api/v1/help-requests/{request_id}", headers=headers).json
    assert matched["status"] == "matched" and matched["matched_at"] >= matched["created_at"]

    started = client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "in_progress"}, headers=headers)
    assert started.json["started_at"] >= matched["matched_at"] and started.json["closed_at"] is None

    done = client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "done"}, headers=headers).json
    assert done["closed_at"] >= done["started_at"]
    assert done["matched_at"] == matched["matched_at"]  # the first match is never re-dated
    match = client.get(f"/api/v1/matches?request_id={request_id}", headers=headers).json["items"][0]
    assert match["status"] == "completed"  # finishing the request completes its accepted match


def test_a_referral_says_to_whom(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    request_id = make.help_request(make.member())
    missing = client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "referred"}, headers=headers)
    assert error_fields(assert_problem(missing, 422, "invalid_input")) == {"referral_to"}
    body = {"status": "referred", "referral_to": "debt_counselling", "note": "Schulden: doorverwezen"}
    referred = client.put(f"/api/v1/help-requests/{request_id}/status", json=body, headers=headers).json
    assert (referred["status"], referred["referral_to"], referred["closing_note"]) == (
        "referred",
        "debt_counselling",
        "Schulden: doorverwezen",
    )
    assert referred["closed_at"]


def test_closing_a_request_withdraws_its_proposals(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    request_id = make.help_request(make.member())
    make.match(request_id, make.member(roles=(Role.VOLUNTEER,)))
    client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "cancelled"}, headers=headers)
    matches = client.get(f"/api/v1/matches?request_id={request_id}", headers=headers).json["items"]
    assert [m["status"] for m in matches] == ["withdrawn"]


def test_who_moves_a_request(client: FlaskClient, make: Factory) -> None:
    requester, requester_headers = make.person(Role.MEMBER)
    accepted, accepted_headers = make.person(Role.VOLUNTEER)
    proposed, proposed_headers = make.person(Role.VOLUNTEER)
    request_id = make.help_request(requester)
    make.match(request_id, accepted, MatchStatus.ACCEPTED)
    make.match(request_id, proposed)
    status = f"/api/v1/help-requests/{request_id}/status"
    # Only a volunteer who accepted reports progress; one merely asked may not.
    assert_problem(client.put(status, json={"status": "in_progress"}, headers=proposed_headers), 403, "forbidden")
    assert_problem(client.put(status, json={"status": "in_progress"}, headers=requester_headers), 403, "forbidden")
    assert client.put(status, json={"status": "in_progress"}, headers=accepted_headers).status_code == 200
    assert_problem(client.put(status, json={"status": "cancelled"}, headers=accepted_headers), 403, "forbidden")
    # The resident may always take back their own question.
    assert client.put(status, json={"status": "cancelled"}, headers=requester_headers).json["status"] == "cancelled"


def test_intake_needs_the_members_consent(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member(consent=False)
    response = client.post(
        "/api/v1/help-requests", json={"requester_id": member, "category": "garden"}, headers=headers
    )
    assert error_fields(assert_problem(response, 422)) == {"requester_id"}
    ended = make.member(status="ended")
    response = client.post("/api/v1/help-requests", json={"requester_id": ended, "category": "garden"}, headers=headers)
    assert error_fields(assert_problem(response, 422)) == {"requester_id"}


def test_a_member_asks_for_themself_and_the_buurt_is_theirs(client: FlaskClient, make: Factory) -> None:
    member, headers = make.person(Role.MEMBER, buurt_code="BU03440203")
    body = {
        "category": "garden",
        "description": "Heg knippen",
        "recurrence": "fortnightly",
        "preferred_slots": ["sat_morning"],
    }
    response = client.post("/api/v1/help-requests", json=body, headers=headers)
    assert response.status_code == 201, response.json
    created = response.json
    assert created["requester"]["id"] == member and created["buurt_code"] == "BU03440203"
    assert (created["recurrence"], created["preferred_slots"], created["urgency"]) == (
        "fortnightly",
        ["sat_morning"],
        "normal",
    )
    assert client.get(f"/api/v1/help-requests/{created['id']}", headers=headers).json["recurrence"] == "fortnightly"


def test_a_closed_request_can_no_longer_be_changed(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    request_id = request_in(client, make, headers, "cancelled", make.member(), make.member())
    response = client.patch(f"/api/v1/help-requests/{request_id}", json={"urgency": "high"}, headers=headers)
    assert_problem(response, 409, "invalid_transition")


def test_the_list_filters_and_pages(app: Flask, client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    anna, bert = make.member(), make.member(buurt_code="BU03440202")
    garden = make.help_request(anna, "garden", urgency="high")
    shopping = make.help_request(bert, "shopping")
    digital = make.help_request(anna, "digital")
    update_row(app, HelpRequest, garden, created_at=datetime(2026, 1, 10, tzinfo=UTC))
    update_row(app, HelpRequest, shopping, created_at=datetime(2026, 2, 10, tzinfo=UTC))
    update_row(app, HelpRequest, digital, created_at=datetime(2026, 3, 10, tzinfo=UTC))
    client.put(f"/api/v1/help-requests/{digital}/status", json={"status": "cancelled"}, headers=headers)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/help-requests?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [r["id"] for r in response.json["items"]]

    assert ids("") == [digital, shopping, garden]  # newest first
    assert ids("status=open") == [shopping, garden]
    assert ids("status=open&status=cancelled") == [digital, shopping, garden]
    assert ids("category=garden") == [garden]
    assert ids("urgency=high") == [garden]
    assert ids("buurt_code=BU03440202") == [shopping]
    assert ids(f"requester_id={anna}") == [digital, garden]
    assert ids("created_from=2026-02-01T00:00:00%2B01:00&created_until=2026-03-01T00:00:00%2B01:00") == [shopping]
    page = client.get("/api/v1/help-requests?page=2&page_size=2", headers=headers).json
    assert (page["items"][0]["id"], page["page"], page["pages"], page["total"]) == (garden, 2, 2, 3)


def test_the_inbox_puts_urgent_requests_first_then_the_longest_waiting(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member()
    now = datetime.now(UTC)
    old_normal = make.help_request(member, urgency="normal")
    new_urgent = make.help_request(member, urgency="urgent")
    old_low = make.help_request(member, urgency="low")
    new_normal = make.help_request(member, urgency="normal")
    for request_id, days in ((old_normal, 20), (new_urgent, 1), (old_low, 30), (new_normal, 2)):
        update_row(app, HelpRequest, request_id, created_at=now - timedelta(days=days))
    inbox = client.get("/api/v1/help-requests?sort=waiting&status=open", headers=headers).json["items"]
    assert [r["id"] for r in inbox] == [new_urgent, old_normal, new_normal, old_low]


def test_members_list_only_their_own_requests(client: FlaskClient, make: Factory) -> None:
    member, headers = make.person(Role.MEMBER)
    other = make.member()
    own = make.help_request(member)
    make.help_request(other)
    assert [r["id"] for r in client.get("/api/v1/help-requests", headers=headers).json["items"]] == [own]
    assert_problem(client.get(f"/api/v1/help-requests?requester_id={other}", headers=headers), 403, "forbidden")
