"""The node's monthly figures: each metric of the code list, on a small data set counted by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from federation.protocol.codelists import CATEGORY_CODES, METRICS
from node.extensions import db
from node.federation.figures import Areas, compute_cells
from node.help.models import HelpOffer, HelpRequest, OfferStatusChange
from node.matching.models import Match
from node.members.models import Member
from node.work.models import Assignment
from schemas.node.codes import AssignmentStatus, MatchStatus, OfferStatus, RequestStatus, Role
from tests.node.factories import Factory

WIJK = "WK034402"
NOORD, OOST = "BU03440201", "BU03440202"
AREAS = Areas(WIJK, frozenset({NOORD, OOST, "BU03440203"}))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def update(app: Flask, model: Any, key: Any, **values: Any) -> None:
    """Move a row to the moment a test needs (the services stamp everything with now)."""
    with app.app_context():
        row = db.session.get(model, key)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def figures(app: Flask, *periods: str) -> dict[tuple[str, str, str, str], Any]:
    with app.app_context():
        grid = compute_cells(list(periods), AREAS)
    return {(p, c.area, c.category, c.metric): (c.value, c.basis) for p, cells in grid.items() for c in cells}


@pytest.fixture
def people(make: Factory, app: Flask) -> dict[str, int]:
    """Three residents and two volunteers, joined in 2026 (one in Oost, one without a buurt)."""
    ids = {
        "anna": make.member(buurt_code=NOORD),
        "bert": make.member(buurt_code=OOST),
        "cor": make.member(buurt_code=None),
        "vera": make.member(roles=(Role.VOLUNTEER,), buurt_code=NOORD),
        "wim": make.member(roles=(Role.VOLUNTEER,), buurt_code=OOST),
    }
    for name, member_id in ids.items():
        update(app, Member, member_id, joined_on=date(2026, 1, 15) if name != "cor" else date(2026, 10, 2))
    return ids


def test_the_grid_is_complete_with_zeros(app: Flask) -> None:
    found = figures(app, "2026-10")
    per_category = sum(1 for m in METRICS if m.per_category)
    expected = 4 * (per_category * (len(CATEGORY_CODES) + 1) + (len(METRICS) - per_category))
    assert len(found) == expected
    assert found[("2026-10", WIJK, "_all", "requests_new")] == (0, 0)
    assert found[("2026-10", WIJK, "_all", "days_to_match_median")] == (None, 0)
    assert found[("2026-10", NOORD, "garden", "volunteer_hours")] == (Decimal("0.00"), 0)


def test_requests_by_month_category_and_area(app: Flask, make: Factory, people: dict[str, int]) -> None:
    def request(member: str, category: str, created: str, buurt: str | None = None, **later: Any) -> int:
        request_id = make.help_request(people[member], category)
        update(
            app, HelpRequest, request_id, created_at=at(created), **({"buurt_code": buurt} if buurt else {}), **later
        )
        return request_id

    request("anna", "shopping", "2026-10-03T10:00:00")
    request(
        "anna", "shopping", "2026-10-20T10:00:00", matched_at=at("2026-10-22T10:00:00"), status=RequestStatus.MATCHED
    )
    request("bert", "garden", "2026-10-05T10:00:00", matched_at=at("2026-10-06T10:00:00"),
            status=RequestStatus.DONE, closed_at=at("2026-10-30T10:00:00"))  # fmt: skip
    request(
        "cor", "paperwork", "2026-10-10T10:00:00", status=RequestStatus.REFERRED, closed_at=at("2026-10-11T09:00:00")
    )
    # 00:30 on 1 November in Utrecht is still 31 October in UTC: it is November's.
    request("anna", "shopping", "2026-10-31T23:30:00")
    request("bert", "social", "2026-09-28T10:00:00", matched_at=at("2026-10-02T10:00:00"), status=RequestStatus.MATCHED)

    october = figures(app, "2026-10", "2026-11")
    value = lambda area, category, metric, period="2026-10": october[(period, area, category, metric)][0]  # noqa: E731
    assert value(WIJK, "_all", "requests_new") == 4
    assert value(WIJK, "shopping", "requests_new") == 2
    assert value(NOORD, "shopping", "requests_new") == 2
    assert value(OOST, "garden", "requests_new") == 1
    assert value(NOORD, "_all", "requests_new") == 2
    assert value(WIJK, "paperwork", "requests_new") == 1  # counted in the wijk although cor has no buurt
    assert value(WIJK, "_all", "requests_new", "2026-11") == 1
    assert value(WIJK, "_all", "requests_matched") == 3  # one of them asked in September
    assert value(WIJK, "_all", "requests_done") == 1
    assert value(WIJK, "_all", "requests_referred") == 1
    # Open at the end of October: only the first shopping request (matched, done, referred ones are not).
    assert value(WIJK, "_all", "requests_open_end") == 1
    assert value(WIJK, "_all", "requests_open_end", "2026-11") == 2
    # Medians of days to the first match: 2 (shopping), 1 (garden), 4 (social) -> 2.
    assert october[("2026-10", WIJK, "_all", "days_to_match_median")] == (2.0, 3)
    assert october[("2026-10", WIJK, "garden", "days_to_match_median")] == (1.0, 1)


def test_members_offers_and_volunteers(app: Flask, make: Factory, people: dict[str, int]) -> None:
    found = figures(app, "2026-09", "2026-10")
    assert found[("2026-09", WIJK, "_all", "members_total")][0] == 4  # cor joined in October
    assert found[("2026-10", WIJK, "_all", "members_total")][0] == 5
    assert found[("2026-10", WIJK, "_all", "members_new")][0] == 1
    assert found[("2026-10", NOORD, "_all", "members_total")][0] == 2

    offer = make.offer(people["vera"], ("shopping", "garden"))
    paused = make.offer(people["wim"], ("garden",))
    with app.app_context():
        for offer_id in (offer, paused):
            db.session.get(HelpOffer, offer_id).created_at = at("2026-09-01T08:00:00")
            for change in db.session.get(HelpOffer, offer_id).status_changes:
                change.changed_at = at("2026-09-01T08:00:00")
        db.session.add(
            OfferStatusChange(offer_id=paused, status=OfferStatus.PAUSED, changed_at=at("2026-10-15T08:00:00"))
        )
        db.session.commit()
    found = figures(app, "2026-09", "2026-10")
    assert found[("2026-09", WIJK, "garden", "offers_active")][0] == 2
    assert found[("2026-10", WIJK, "garden", "offers_active")][0] == 1
    assert found[("2026-10", WIJK, "_all", "offers_active")][0] == 1  # one offer in two categories is one
    assert found[("2026-10", NOORD, "shopping", "offers_active")][0] == 1  # by the volunteer's buurt


def test_volunteers_and_hours_count_people_once(app: Flask, make: Factory, people: dict[str, int]) -> None:
    shopping = make.help_request(people["anna"], "shopping")
    garden = make.help_request(people["bert"], "garden")
    on_shopping = make.match(shopping, people["vera"], MatchStatus.ACCEPTED)
    on_garden = make.match(garden, people["vera"], MatchStatus.ACCEPTED)
    for match_id in (on_shopping, on_garden):
        update(app, Match, match_id, responded_at=at("2026-10-05T10:00:00"))
    make.time_log(people["vera"], match_id=on_shopping, hours="1.5", worked_on=date(2026, 10, 6))
    make.time_log(people["vera"], match_id=on_garden, hours="3", worked_on=date(2026, 10, 7))
    assignment = make.assignment(category="garden", buurt_code=OOST, starts_on=date(2026, 9, 1), paid=True)
    update(app, Assignment, assignment, status=AssignmentStatus.ACTIVE)
    make.time_log(people["wim"], assignment_id=assignment, hours="4", worked_on=date(2026, 10, 8), paid=True)

    found = figures(app, "2026-10")
    assert found[("2026-10", WIJK, "_all", "volunteers_active")][0] == 1  # vera, in two categories
    assert found[("2026-10", WIJK, "garden", "volunteers_active")][0] == 1
    assert found[("2026-10", WIJK, "_all", "volunteer_hours")] == (Decimal("4.50"), 1)
    assert found[("2026-10", NOORD, "garden", "volunteer_hours")] == (Decimal("3.00"), 1)  # vera lives in Noord
    assert found[("2026-10", WIJK, "_all", "paid_hours")] == (Decimal("4.00"), 1)
    assert found[("2026-10", OOST, "garden", "paid_hours")] == (Decimal("4.00"), 1)
    assert found[("2026-10", WIJK, "garden", "assignments_active")][0] == 1


def test_assignments_invoices_and_activities(app: Flask, make: Factory) -> None:
    running = make.assignment(category="home_energy", buurt_code=NOORD, starts_on=date(2026, 9, 1))
    ended = make.assignment(category="home_energy", starts_on=date(2026, 9, 1))
    update(app, Assignment, ended, ends_on=date(2026, 10, 20))
    with app.app_context():
        from node.work.models import Invoice

        db.session.add(Invoice(assignment_id=running, invoiced_on=date(2026, 10, 31), amount_eur=Decimal("1250.50")))
        db.session.add(Invoice(assignment_id=ended, invoiced_on=date(2026, 11, 1), amount_eur=Decimal("99.00")))
        db.session.commit()
    make.activity(category="social", held_on=date(2026, 10, 3), participants=23, buurt_code=NOORD)
    make.activity(category="social", held_on=date(2026, 10, 17), participants=12)

    found = figures(app, "2026-09", "2026-10")
    assert found[("2026-09", WIJK, "home_energy", "assignments_active")][0] == 2
    assert found[("2026-10", WIJK, "home_energy", "assignments_active")][0] == 1
    assert found[("2026-10", WIJK, "_all", "assignment_revenue_eur")][0] == Decimal("1250.50")
    assert found[("2026-10", NOORD, "home_energy", "assignment_revenue_eur")][0] == Decimal("1250.50")
    assert found[("2026-10", WIJK, "social", "activities_held")][0] == 2
    assert found[("2026-10", WIJK, "_all", "activity_participants")][0] == 35
    assert found[("2026-10", NOORD, "social", "activity_participants")][0] == 23
