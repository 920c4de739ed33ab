"""`/api/v1/needs-analysis`: exact figures on a small data set built by hand.

The period is October and November 2025, in Amsterdam time. Requests,
matches, offers and hours are placed at known instants; every expected
number below can be checked by reading the data set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from node.accounts.actor import Actor
from node.extensions import db
from node.help.models import HelpRequest
from node.help.offers import create_offer, update_offer
from node.help.requests import change_status as change_request_status
from node.matching.models import Match
from node.matching.services import change_status as change_match_status
from node.work.models import TimeLog
from schemas.node.codes import MatchStatus, OfferStatus, RequestStatus, Role
from tests.node.api.conftest import assert_problem, update_row
from tests.node.factories import Factory

SYSTEM = Actor.system("tests")
NOORD, OOST = "BU03440201", "BU03440202"
FIELDS = ("demand", "matched", "open_requests", "waiting_days_median", "oldest_waiting_days", "supply",
          "active_volunteers", "gap")  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(app: Flask, func: Callable[[], Any]) -> Any:
    with app.app_context():
        value = func()
        db.session.commit()
        return value


@pytest.fixture
def data_set(app: Flask, make: Factory) -> dict[str, int]:
    v1 = make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD)
    v2 = make.member(roles=(Role.VOLUNTEER,), buurt_code=OOST)
    v3 = make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD)
    v4 = make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD)
    noord, oost = make.member(buurt_code=NOORD), make.member(buurt_code=OOST)

    def request(requester: int, category: str, created: str) -> int:
        request_id = make.help_request(requester, category)
        update_row(app, HelpRequest, request_id, created_at=at(created))
        return request_id

    def accept(request_id: int, volunteer: int, when: str) -> None:
        match_id = make.match(request_id, volunteer)
        run(app, lambda: change_match_status(SYSTEM, match_id, MatchStatus.ACCEPTED, now=at(when)))

    r1 = request(noord, "garden", "2025-10-05T10:00:00")
    accept(r1, v1, "2025-10-07T10:00:00")  # waited 2 days
    r2 = request(noord, "garden", "2025-10-31T23:30:00")  # 00:30 on 1 November in Amsterdam
    accept(r2, v2, "2025-11-04T23:30:00")  # waited 4 days
    request(noord, "garden", "2025-11-10T12:00:00")  # still open at the end of November
    r4 = request(oost, "garden", "2025-11-20T12:00:00")
    run(app, lambda: change_request_status(SYSTEM, r4, RequestStatus.CANCELLED, now=at("2025-11-25T12:00:00")))
    request(noord, "shopping", "2025-09-20T12:00:00")  # from before the period, still open
    r6 = request(noord, "garden", "2025-10-20T12:00:00")
    accept(r6, v1, "2025-10-26T12:00:00")  # waited 6 days
    request(noord, "garden", "2025-12-02T12:00:00")  # after the period

    def offer(volunteer: int, categories: list[str], when: str) -> int:
        return run(
            app, lambda: create_offer(SYSTEM, {"volunteer_id": volunteer, "categories": categories}, now=at(when)).id
        )

    offer(v1, ["garden"], "2025-09-01T12:00:00")  # active all along
    paused = offer(v2, ["garden", "shopping"], "2025-10-10T12:00:00")
    run(app, lambda: update_offer(SYSTEM, paused, {"status": OfferStatus.PAUSED}, now=at("2025-11-15T12:00:00")))
    offer(v3, ["garden"], "2025-12-05T12:00:00")  # made after the period

    assignment = make.assignment(status="active", category="practical")
    make.time_log(v3, assignment_id=assignment, worked_on=date(2025, 11, 30))  # unpaid: active volunteer
    make.time_log(v4, assignment_id=assignment, worked_on=date(2025, 11, 30), paid=True)  # paid work
    make.time_log(v4, assignment_id=assignment, worked_on=date(2025, 12, 1))  # after the period
    return {"r2": r2}


def analysis(client: FlaskClient, headers: dict[str, str], query: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/needs-analysis?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def figures(rows: list[dict[str, Any]]) -> dict[tuple[str, str | None], tuple[Any, ...]]:
    return {(r["category"], r["buurt_code"]): tuple(r[f] for f in FIELDS) for r in rows}


def test_demand_supply_and_the_gap_per_category_and_buurt(
    client: FlaskClient, make: Factory, data_set: dict[str, int]
) -> None:
    _, headers = make.person(Role.COORDINATOR, buurt_code=None)
    result = analysis(client, headers, "period_from=2025-10&period_to=2025-11")
    assert (result["start"], result["end"]) == ("2025-09-30T22:00:00+00:00", "2025-11-30T23:00:00+00:00")
    assert figures(result["rows"]) == {
        # demand, matched, open, median wait, oldest wait, supply, active volunteers, gap
        ("garden", NOORD): (4, 3, 1, 4.0, 20.5, 1, 1, 0),
        ("garden", OOST): (1, 0, 0, None, None, 0, 1, 0),
        ("shopping", NOORD): (0, 0, 1, None, 71.5, 0, 0, 1),
        ("practical", NOORD): (0, 0, 0, None, None, 0, 1, 0),
    }
    assert figures(result["totals"]) == {
        ("garden", None): (5, 3, 1, 4.0, 20.5, 1, 2, 0),
        ("shopping", None): (0, 0, 1, None, 71.5, 0, 0, 1),
        ("practical", None): (0, 0, 0, None, None, 0, 1, 0),
    }
    first = result["rows"][0]
    assert (first["category"], first["buurt_code"]) == ("shopping", NOORD)  # the largest gap first


def test_a_request_at_half_past_midnight_on_1_november_belongs_to_november(
    client: FlaskClient, make: Factory, data_set: dict[str, int]
) -> None:
    _, headers = make.person(Role.COORDINATOR, buurt_code=None)
    october = figures(analysis(client, headers, "period_from=2025-10&period_to=2025-10&category=garden")["rows"])
    november = figures(analysis(client, headers, "period_from=2025-11&period_to=2025-11&category=garden")["rows"])
    assert october[("garden", NOORD)][:3] == (2, 2, 0)  # r1 and r6, both matched in October
    assert november[("garden", NOORD)][:3] == (2, 1, 1)  # r2 (matched in November) and the open one


def test_filters_narrow_the_analysis(client: FlaskClient, make: Factory, data_set: dict[str, int]) -> None:
    _, headers = make.person(Role.ADMIN, buurt_code=None)
    result = analysis(client, headers, f"period_from=2025-10&period_to=2025-11&category=garden&buurt_code={OOST}")
    assert figures(result["rows"]) == {("garden", OOST): (1, 0, 0, None, None, 0, 1, 0)}


@pytest.mark.parametrize(
    "query",
    [
        "period_from=2025-13",
        "period_from=2025-11&period_to=2025-10",
        "period_to=1999-05",
        "period_from=2020-01&period_to=2026-01",
        "category=cooking",
    ],
)
def test_impossible_periods_are_refused(client: FlaskClient, make: Factory, query: str) -> None:
    _, headers = make.person(Role.COORDINATOR)
    assert_problem(client.get(f"/api/v1/needs-analysis?{query}", headers=headers), 422, "invalid_input")


def test_the_waiting_time_is_stored_in_whole_hours_when_the_first_match_is_accepted(app: Flask, make: Factory) -> None:
    volunteer, other = (make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD) for _ in range(2))
    request_id = make.help_request(make.member(buurt_code=NOORD), "garden")
    update_row(app, HelpRequest, request_id, created_at=at("2025-10-05T10:00:00"))
    first, second = make.match(request_id, volunteer), make.match(request_id, other)
    stored = lambda: make.query(lambda: db.session.get(HelpRequest, request_id).waiting_hours)  # noqa: E731
    assert stored() is None  # proposed, not matched

    run(app, lambda: change_match_status(SYSTEM, first, MatchStatus.ACCEPTED, now=at("2025-10-07T09:59:59.999999")))
    assert stored() == 47  # a microsecond short of 48 hours
    run(app, lambda: change_match_status(SYSTEM, second, MatchStatus.ACCEPTED, now=at("2025-10-20T10:00:00")))
    assert stored() == 47  # the first accepted match ended the waiting


def test_a_corrected_category_takes_the_matches_hours_and_figures_along(
    client: FlaskClient, app: Flask, make: Factory
) -> None:
    volunteer = make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD)
    resident = make.member(buurt_code=NOORD)
    misfiled, other = make.help_request(resident, "shopping"), make.help_request(resident, "shopping")
    for request_id in (misfiled, other):
        update_row(app, HelpRequest, request_id, created_at=at("2025-10-05T10:00:00"))
    matches = [make.match(r, volunteer) for r in (misfiled, other)]
    for match_id in matches:
        run(app, lambda m=match_id: change_match_status(SYSTEM, m, MatchStatus.ACCEPTED, now=at("2025-10-06T10:00:00")))
    log = make.time_log(volunteer, match_id=matches[0], worked_on=date(2025, 10, 8))
    _, headers = make.person(Role.COORDINATOR, buurt_code=None)
    before = figures(analysis(client, headers, "period_from=2025-10&period_to=2025-10")["rows"])
    assert before == {("shopping", NOORD): (2, 2, 0, 1.0, None, 0, 1, 0)}

    response = client.patch(f"/api/v1/help-requests/{misfiled}", json={"category": "transport"}, headers=headers)
    assert response.status_code == 200, response.json

    categories = make.query(
        lambda: (
            [db.session.get(Match, m).category for m in matches],
            db.session.get(TimeLog, log).category,
        )
    )
    assert categories == (["transport", "shopping"], "transport")
    after = figures(analysis(client, headers, "period_from=2025-10&period_to=2025-10")["rows"])
    assert after == {
        ("shopping", NOORD): (1, 1, 0, 1.0, None, 0, 1, 0),  # the volunteer is still active in both
        ("transport", NOORD): (1, 1, 0, 1.0, None, 0, 1, 0),
    }


def test_hours_on_an_assignment_move_with_a_corrected_category(client: FlaskClient, app: Flask, make: Factory) -> None:
    volunteer = make.member(roles=(Role.VOLUNTEER,), buurt_code=OOST)
    assignment = make.assignment(status="active", category="practical")
    log = make.time_log(volunteer, assignment_id=assignment, worked_on=date(2025, 10, 8))
    _, headers = make.person(Role.COORDINATOR, buurt_code=None)

    response = client.patch(f"/api/v1/assignments/{assignment}", json={"category": "garden"}, headers=headers)
    assert response.status_code == 200, response.json

    assert make.query(lambda: db.session.get(TimeLog, log).category) == "garden"
    result = figures(analysis(client, headers, "period_from=2025-10&period_to=2025-10")["rows"])
    assert result == {("garden", OOST): (0, 0, 0, None, None, 0, 1, 0)}
