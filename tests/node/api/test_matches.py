"""`/api/v1/matches`: proposed → accepted | declined → completed, and whose contact details show when."""

from __future__ import annotations

from flask.testing import FlaskClient

from schemas.node.codes import ConsentPurpose, MatchStatus, Role
from tests.node.api.conftest import assert_problem, error_fields
from tests.node.factories import Factory

# Which status may follow which; anything else is refused.
ALLOWED = {
    "proposed": {"accepted", "declined", "withdrawn"},
    "accepted": {"completed", "withdrawn"},
    "declined": set(),
    "completed": set(),
    "withdrawn": set(),
}


def set_status(client: FlaskClient, match_id: int, status: str, headers: dict[str, str]) -> object:
    return client.put(f"/api/v1/matches/{match_id}/status", json={"status": status}, headers=headers)


def test_a_proposal_is_accepted_and_completed(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    volunteer, volunteer_headers = make.person(Role.VOLUNTEER)
    request_id = make.help_request(make.member())
    proposed = client.post(
        "/api/v1/matches", json={"request_id": request_id, "volunteer_id": volunteer}, headers=coordinator
    )
    assert proposed.status_code == 201
    match = proposed.json
    assert (match["status"], match["category"], match["contacts"]) == ("proposed", "shopping", None)

    accepted = set_status(client, match["id"], "accepted", volunteer_headers).json
    assert accepted["status"] == "accepted" and accepted["responded_at"]
    request = client.get(f"/api/v1/help-requests/{request_id}", headers=coordinator).json
    assert request["status"] == "matched" and request["matched_at"] == accepted["responded_at"]

    completed = set_status(client, match["id"], "completed", volunteer_headers).json
    assert completed["status"] == "completed" and completed["completed_at"] >= completed["responded_at"]


def test_a_volunteer_declines(client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    request_id = make.help_request(make.member())
    match_id = make.match(request_id, volunteer)
    declined = set_status(client, match_id, "declined", headers).json
    assert declined["status"] == "declined" and declined["responded_at"]
    _, coordinator = make.person(Role.COORDINATOR)
    assert client.get(f"/api/v1/help-requests/{request_id}", headers=coordinator).json["status"] == "open"


def test_every_status_change_is_allowed_or_refused(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    for start in ALLOWED:
        for target in ALLOWED:
            match_id = make.match(make.help_request(make.member()), volunteer)
            if start != "proposed":
                if start == "completed":
                    set_status(client, match_id, "accepted", coordinator)
                assert set_status(client, match_id, start, coordinator).status_code == 200
            response = set_status(client, match_id, target, coordinator)
            if target in ALLOWED[start]:
                assert response.status_code == 200, (start, target, response.json)
            else:
                assert response.status_code == 409, (start, target, response.json)
                assert_problem(response, 409, "invalid_transition")


def test_withdrawing_the_only_accepted_match_reopens_the_request(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    request_id = make.help_request(make.member())
    match_id = make.match(request_id, make.member(roles=(Role.VOLUNTEER,)), MatchStatus.ACCEPTED)
    assert set_status(client, match_id, "withdrawn", coordinator).json["withdrawn_at"]
    request = client.get(f"/api/v1/help-requests/{request_id}", headers=coordinator).json
    assert request["status"] == "open" and request["matched_at"] is not None


def test_matching_a_closed_request_is_a_conflict(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    request_id = make.help_request(make.member())
    client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "cancelled"}, headers=coordinator)
    response = client.post(
        "/api/v1/matches", json={"request_id": request_id, "volunteer_id": volunteer}, headers=coordinator
    )
    assert_problem(response, 409, "invalid_transition")


def test_who_can_be_proposed(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    requester = make.member(roles=(Role.VOLUNTEER,))
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    request_id = make.help_request(requester)

    def propose(volunteer_id: int) -> object:
        body = {"request_id": request_id, "volunteer_id": volunteer_id}
        return client.post("/api/v1/matches", json=body, headers=coordinator)

    assert error_fields(assert_problem(propose(make.member()), 422)) == {"volunteer_id"}  # not a volunteer
    assert error_fields(assert_problem(propose(requester), 422)) == {"volunteer_id"}  # helping oneself
    assert propose(volunteer).status_code == 201
    assert_problem(propose(volunteer), 409, "conflict")  # already a live proposal


def test_contact_details_show_only_once_accepted_and_only_with_consent(client: FlaskClient, make: Factory) -> None:
    requester, requester_headers = make.person(Role.MEMBER, phone="030 111 2222", street_address="Lindelaan 4")
    volunteer, volunteer_headers = make.person(Role.VOLUNTEER, phone="06 3333 4444")
    _, coordinator = make.person(Role.COORDINATOR)
    match_id = make.match(make.help_request(requester), volunteer)

    def contacts(headers: dict[str, str]) -> object:
        return client.get(f"/api/v1/matches/{match_id}", headers=headers).json["contacts"]

    assert contacts(volunteer_headers) is None and contacts(coordinator) is None  # only proposed
    set_status(client, match_id, "accepted", volunteer_headers)
    assert contacts(volunteer_headers) is None  # the requester did not agree to share
    assert contacts(requester_headers) is None
    seen = contacts(coordinator)
    assert seen["requester"]["phone"] == "030 111 2222" and seen["volunteer"]["phone"] == "06 3333 4444"

    make.consent(requester, ConsentPurpose.CONTACT_SHARING)
    shown = contacts(volunteer_headers)
    assert set(shown) == {"requester"}
    assert (shown["requester"]["phone"], shown["requester"]["street_address"]) == ("030 111 2222", "Lindelaan 4")
    assert contacts(requester_headers) is None  # the volunteer still did not agree

    make.consent(volunteer, ConsentPurpose.CONTACT_SHARING)
    shown = contacts(requester_headers)
    assert set(shown) == {"volunteer"} and shown["volunteer"]["phone"] == "06 3333 4444"
    assert "street_address" not in shown["volunteer"]  # a volunteer's address never goes to the requester


def test_the_parties_list_their_own_matches(client: FlaskClient, make: Factory) -> None:
    requester, requester_headers = make.person(Role.MEMBER)
    volunteer, volunteer_headers = make.person(Role.VOLUNTEER)
    outsider, outsider_headers = make.person(Role.VOLUNTEER)
    mine = make.match(make.help_request(requester), volunteer)
    make.match(make.help_request(make.member()), outsider)
    assert [m["id"] for m in client.get("/api/v1/matches", headers=requester_headers).json["items"]] == [mine]
    assert [m["id"] for m in client.get("/api/v1/matches", headers=volunteer_headers).json["items"]] == [mine]
    assert mine not in [m["id"] for m in client.get("/api/v1/matches", headers=outsider_headers).json["items"]]
    _, coordinator = make.person(Role.COORDINATOR)
    filtered = client.get(f"/api/v1/matches?volunteer_id={volunteer}&status=proposed", headers=coordinator).json
    assert [m["id"] for m in filtered["items"]] == [mine]
