"""The volunteers' months of activity follow every change to matches and hours, through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import select

from node.accounts.actor import Actor
from node.extensions import db
from node.help.requests import update_request
from node.matching.services import change_status
from node.needs.activity import rebuild_activity
from node.work.assignments import update_assignment
from node.work.models import VolunteerActivity
from node.work.time_logs import delete_time_log, update_time_log
from schemas.node.codes import MatchStatus, Role
from tests.node.factories import Factory

SYSTEM = Actor.system("tests")
OCTOBER, NOVEMBER, DECEMBER = (1 << (m - 1) for m in (10, 11, 12))


def stored(app: Flask) -> dict[tuple[str, int], int]:
    with app.app_context():
        rows = db.session.scalars(select(VolunteerActivity)).all()
        return {(r.category, r.year): r.months for r in rows}


def rebuilt(app: Flask) -> dict[tuple[str, int], int]:
    """What the matches and hours say, worked out from scratch (and rolled back)."""
    with app.app_context():
        rebuild_activity()
        rows = db.session.scalars(select(VolunteerActivity)).all()
        found = {(r.category, r.year): r.months for r in rows}
        db.session.rollback()
        return found


def run(app: Flask, change: Callable[[], object]) -> None:
    with app.app_context():
        change()
        db.session.commit()


def test_the_months_follow_matches_hours_and_corrections(app: Flask, make: Factory) -> None:
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    request_id = make.help_request(make.member(), "shopping")
    match_id = make.match(request_id, volunteer)
    # 00:30 on 1 October in Amsterdam is still September in UTC: it is October's.
    run(
        app,
        lambda: change_status(SYSTEM, match_id, MatchStatus.ACCEPTED, now=datetime(2025, 9, 30, 22, 30, tzinfo=UTC)),
    )
    on_match = make.time_log(volunteer, match_id=match_id, worked_on=date(2025, 11, 3))
    assignment = make.assignment(status="active", category="practical")
    on_assignment = make.time_log(volunteer, assignment_id=assignment, worked_on=date(2025, 12, 1))
    make.time_log(volunteer, assignment_id=assignment, worked_on=date(2025, 9, 1), paid=True)  # paid: not counted
    assert stored(app) == {("shopping", 2025): OCTOBER | NOVEMBER, ("practical", 2025): DECEMBER}

    run(app, lambda: update_time_log(SYSTEM, on_match, {"worked_on": date(2025, 10, 20)}))
    assert stored(app) == {("shopping", 2025): OCTOBER, ("practical", 2025): DECEMBER}

    run(app, lambda: update_request(SYSTEM, request_id, {"category": "transport"}))
    run(app, lambda: update_assignment(SYSTEM, assignment, {"category": "garden"}))
    assert stored(app) == {("transport", 2025): OCTOBER, ("garden", 2025): DECEMBER}

    run(app, lambda: change_status(SYSTEM, match_id, MatchStatus.WITHDRAWN))  # accepted once: still counted
    run(app, lambda: delete_time_log(SYSTEM, on_match))
    assert stored(app) == {("transport", 2025): OCTOBER, ("garden", 2025): DECEMBER} == rebuilt(app)

    run(app, lambda: update_time_log(SYSTEM, on_assignment, {"paid": True}))  # its only month goes
    assert stored(app) == {("transport", 2025): OCTOBER} == rebuilt(app)
