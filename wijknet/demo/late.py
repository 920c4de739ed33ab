"""Late corrections, made after the first sync, so that the hub receives second revisions.

What a coordinator does weeks after a month was reported: enter an activity
whose attendance list came in late, log hours handed in on paper, put a
request under its right category. Each goes through the node's services,
with their rules and audit trail, and changes a month the hub already holds;
the next sync sends a new revision of it, which the city's dashboards show as
a late revision.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy import select

from federation.protocol.periods import AMSTERDAM, period_of, period_of_date, period_start, shift_period
from node.accounts.actor import Actor
from node.activities.services import create_activity
from node.areas.services import buurt_codes
from node.extensions import db
from node.help.models import HelpRequest
from node.help.requests import update_request
from node.matching.models import Match
from node.members.models import Member
from node.work.time_logs import log_hours
from schemas.node.codes import MatchStatus, RequestStatus

LATE_NOTE = "Op papier ingeleverd, later ingevoerd."
# Activities whose attendance list tends to come in late, with their category.
LATE_ACTIVITIES = (("Buurtmaaltijd", "social"), ("Repaircafé", "practical"), ("Koffieochtend", "social"))
# A category a request is easily filed under by mistake, and the right one.
REFILED = {
    "information": "paperwork",
    "practical": "home_energy",
    "shopping": "transport",
    "social": "light_care",
    "digital": "information",
    "garden": "practical",
    "other": "practical",
}
LOOK_BACK_MONTHS = 3  # corrections concern the last few finished months


def make_late_corrections(actor: Actor, rng: Random, now: datetime) -> list[str]:
    """A late activity, late hours and a corrected category, in months before `now`'s; what was done."""
    corrections: list[Callable[[Actor, Random, datetime], str | None]] = [late_activity, late_hours, refile_request]
    return [done for correct in corrections if (done := correct(actor, rng, now)) is not None]


def _finished_months(now: datetime) -> tuple[datetime, datetime]:
    """From the start of the first month looked back at to the start of the current month."""
    current = period_of(now)
    return period_start(shift_period(current, -LOOK_BACK_MONTHS)), period_start(current)


def _local_day(instant: datetime) -> date:
    return instant.astimezone(AMSTERDAM).date()


def late_activity(actor: Actor, rng: Random, now: datetime) -> str | None:
    """An activity of last month, entered now that its attendance list came in."""
    current = period_of(now)
    first = _local_day(period_start(shift_period(current, -1)))
    last = _local_day(period_start(current)) - timedelta(days=1)
    held_on = first + timedelta(days=rng.randint(0, (last - first).days))
    title, category = rng.choice(LATE_ACTIVITIES)
    participants = rng.randint(8, 24)
    activity = create_activity(
        actor,
        {
            "title": title,
            "category": category,
            "held_on": held_on,
            "buurt_code": rng.choice(buurt_codes() or [None]),
            "participants": participants,
            "description": "De presentielijst kwam later binnen.",
        },
    )
    return f"activity {title!r} of {activity.held_on} ({participants} participants) entered late"


def late_hours(actor: Actor, rng: Random, now: datetime) -> str | None:
    """Hours on a match of the last few months, handed in on paper."""
    since, current_start = _finished_months(now)
    matches = list(
        db.session.scalars(
            select(Match)
            .join(Member, Member.id == Match.volunteer_id)
            .where(
                Match.status.in_((MatchStatus.ACCEPTED, MatchStatus.COMPLETED)),
                Match.responded_at >= since,
                Match.responded_at < current_start,
                Member.erased_at.is_(None),
            )
            .order_by(Match.id)
        )
    )
    if not matches:
        return None
    match = rng.choice(matches)
    assert match.responded_at is not None
    first = _local_day(match.responded_at)
    last = _local_day(current_start) - timedelta(days=1)
    if match.completed_at is not None:
        last = min(last, _local_day(match.completed_at))
    worked_on = first + timedelta(days=rng.randint(0, max(0, min(6, (last - first).days))))
    hours = Decimal(rng.choice(("1.5", "2", "2.5", "3")))
    log_hours(
        actor,
        {
            "member_id": match.volunteer_id,
            "match_id": match.id,
            "worked_on": worked_on,
            "hours": hours,
            "paid": False,
            "note": LATE_NOTE,
        },
    )
    return f"{hours} hours of {worked_on} on match {match.id} logged late ({period_of_date(worked_on)})"


def refile_request(actor: Actor, rng: Random, now: datetime) -> str | None:
    """A request still running, filed under the wrong category in an earlier month, put right."""
    since, current_start = _finished_months(now)
    requests = list(
        db.session.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.status.in_((RequestStatus.OPEN, RequestStatus.MATCHED, RequestStatus.IN_PROGRESS)),
                HelpRequest.created_at >= since,
                HelpRequest.created_at < current_start,
                HelpRequest.category.in_(REFILED),
            )
            .order_by(HelpRequest.id)
        )
    )
    if not requests:
        return None
    request = rng.choice(requests)
    before, after = request.category, REFILED[request.category]
    update_request(actor, request.id, {"category": after})
    return f"request {request.id} of {period_of(request.created_at)}: category {before} corrected to {after}"
