"""`/api/v1/help-requests/{id}/suggestions`: volunteers ranked for a request, each with the reasons for their place."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from schemas.node.codes import MatchStatus, Role
from tests.node.api.conftest import assert_problem
from tests.node.factories import Factory

HERE, ELSEWHERE = "BU03440201", "BU03440202"


@pytest.fixture
def coordinator(make: Factory) -> dict[str, str]:
    return make.person(Role.COORDINATOR, buurt_code=None)[1]


def volunteer(make: Factory, buurt: str = ELSEWHERE, **fields: Any) -> int:
    return make.member(roles=(Role.VOLUNTEER,), buurt_code=buurt, **fields)


def suggest(client: FlaskClient, request_id: int, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/help-requests/{request_id}/suggestions{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def reasons(suggestion: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in suggestion["reasons"]}


def test_offering_the_category_beats_only_having_the_skill(
    client: FlaskClient, make: Factory, coordinator: dict[str, str]
) -> None:
    offers = volunteer(make)
    make.offer(offers, ("garden",))
    skilled = volunteer(make, skills=["garden"])
    unrelated = volunteer(make)
    make.offer(unrelated, ("digital",))
    ranked = suggest(client, make.help_request(make.member(), "garden"), coordinator)
    assert [s["volunteer"]["id"] for s in ranked] == [offers, skilled]
    assert reasons(ranked[0])["offers_category"]["detail"] == {"category": "garden"}
    assert set(reasons(ranked[1])) == {"has_skill", "free_now"}
    assert ranked[0]["score"] > ranked[1]["score"]
    assert all(s["score"] == sum(r["points"] for r in s["reasons"]) for s in ranked)


def test_the_same_buurt_comes_first(client: FlaskClient, make: Factory, coordinator: dict[str, str]) -> None:
    far, near = volunteer(make, ELSEWHERE), volunteer(make, HERE)
    make.offer(far, ("garden",))
    make.offer(near, ("garden",))
    ranked = suggest(client, make.help_request(make.member(buurt_code=HERE), "garden"), coordinator)
    assert [s["volunteer"]["id"] for s in ranked] == [near, far]
    assert reasons(ranked[0])["same_buurt"]["detail"] == {"buurt_code": HERE}
    assert "same_buurt" not in reasons(ranked[1])


def test_shared_availability_raises_and_none_lowers_the_rank(
    client: FlaskClient, make: Factory, coordinator: dict[str, str]
) -> None:
    never, fits = volunteer(make), volunteer(make)
    make.offer(never, ("garden",), availability=["mon_morning"])
    make.offer(fits, ("garden",), availability=["sat_morning", "sat_afternoon", "sun_morning"])
    request_id = make.help_request(make.member(), "garden", preferred_slots=["sat_morning", "sat_afternoon"])
    ranked = suggest(client, request_id, coordinator)
    assert [s["volunteer"]["id"] for s in ranked] == [fits, never]
    assert reasons(ranked[0])["shared_slots"]["detail"] == {"slots": 2}
    assert reasons(ranked[1])["no_shared_slot"]["points"] < 0


def test_current_load_lowers_the_rank(client: FlaskClient, make: Factory, coordinator: dict[str, str]) -> None:
    busy, free = volunteer(make), volunteer(make)
    for helper in (busy, free):
        make.offer(helper, ("garden",))
    make.match(make.help_request(make.member(), "shopping"), busy, MatchStatus.ACCEPTED)
    make.match(make.help_request(make.member(), "shopping"), busy)
    ranked = suggest(client, make.help_request(make.member(), "garden"), coordinator)
    assert [s["volunteer"]["id"] for s in ranked] == [free, busy]
    assert (ranked[1]["live_matches"], reasons(ranked[1])["current_load"]["detail"]) == (2, {"live_matches": 2})
    assert "free_now" in reasons(ranked[0])


def test_who_is_never_suggested(client: FlaskClient, make: Factory, coordinator: dict[str, str]) -> None:
    requester = volunteer(make, skills=["garden"])
    declined, asked, ended, paused, fine = (volunteer(make) for _ in range(5))
    for helper in (declined, asked, ended, fine):
        make.offer(helper, ("garden",))
    paused_offer = make.offer(paused, ("garden",))
    client.patch(f"/api/v1/help-offers/{paused_offer}", json={"status": "paused"}, headers=coordinator)
    client.patch(f"/api/v1/members/{ended}", json={"status": "ended"}, headers=coordinator)
    request_id = make.help_request(requester, "garden")
    make.match(request_id, declined, MatchStatus.DECLINED)
    make.match(request_id, asked)
    assert [s["volunteer"]["id"] for s in suggest(client, request_id, coordinator)] == [fine]


def test_the_number_of_suggestions_is_limited(client: FlaskClient, make: Factory, coordinator: dict[str, str]) -> None:
    for _ in range(3):
        make.offer(volunteer(make), ("garden",))
    request_id = make.help_request(make.member(), "garden")
    assert len(suggest(client, request_id, coordinator, "?limit=2")) == 2
    assert_problem(client.get(f"/api/v1/help-requests/{request_id}/suggestions?limit=0", headers=coordinator), 422)


def test_a_closed_request_gets_no_suggestions(client: FlaskClient, make: Factory, coordinator: dict[str, str]) -> None:
    request_id = make.help_request(make.member(), "garden")
    client.put(f"/api/v1/help-requests/{request_id}/status", json={"status": "cancelled"}, headers=coordinator)
    response = client.get(f"/api/v1/help-requests/{request_id}/suggestions", headers=coordinator)
    assert_problem(response, 409, "invalid_transition")
