"""Late corrections: what a real node's figures for a finished month must live with.

Hours handed in on paper weeks after the month they belong to, and a request
filed under the wrong category and corrected later, change a month that was
already reported; the federation sends a revision for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from federation.protocol.periods import period_end, period_of, period_of_date
from node.demo import texts
from node.demo.help import Story
from node.demo.timeline import days, local_date, office_hours
from node.demo.work import Work
from node.demo.world import World
from node.help.models import HelpRequest
from node.work.models import TimeLog
from schemas.node.codes import AssignmentStatus, MatchStatus

# The category a request is easily filed under by mistake, by its right one.
MISFILED: dict[str, str] = {
    "practical": "home_energy",
    "home_energy": "practical",
    "social": "light_care",
    "light_care": "social",
    "paperwork": "information",
    "information": "paperwork",
    "shopping": "transport",
    "transport": "shopping",
    "digital": "information",
    "garden": "practical",
    "other": "practical",
}

LATE_LOG_SHARE = 0.015
FEWEST_LATE_LOGS = 2
MOST_LATE_LOGS = 12
CATEGORY_CORRECTIONS = 5
REPORTED_AFTER = timedelta(days=14)  # a month's figures are out two weeks after it ends


class CorrectionKind(StrEnum):
    LATE_TIME_LOG = "late_time_log"
    REQUEST_CATEGORY = "request_category"


@dataclass
class Correction:
    kind: CorrectionKind
    subject: TimeLog | HelpRequest
    period: str  # the month whose figures change
    at: datetime  # when the correction was made
    coordinator_id: int
    before: str | None = None
    after: str | None = None


def add_corrections(world: World, stories: list[Story], work: list[Work]) -> list[Correction]:
    """Make some hours late and correct some categories; the corrections, oldest first."""
    corrections = _late_logs(world, stories, work) + _category_corrections(world, stories)
    return sorted(corrections, key=lambda c: c.at)


def _late_logs(world: World, stories: list[Story], work: list[Work]) -> list[Correction]:
    rng, now = world.rng, world.timeline.now
    # Only hours the services would still accept then: on a match that was
    # accepted or completed, or an assignment that ran.
    logs = [
        log
        for story in stories
        for log in story.logs
        if log.match is not None and log.match.status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
    ]
    logs += [
        log
        for item in work
        for log in item.logs
        if item.assignment.status in (AssignmentStatus.ACTIVE, AssignmentStatus.DONE)
    ]
    logs = [log for log in logs if period_end(period_of_date(log.worked_on)) + 2 * REPORTED_AFTER < now]
    wanted = min(MOST_LATE_LOGS, len(logs), max(FEWEST_LATE_LOGS, round(LATE_LOG_SHARE * len(logs))))
    corrections = []
    for log in rng.sample(logs, wanted):
        period = period_of_date(log.worked_on)
        entered = _working_hours(world, period_end(period) + REPORTED_AFTER + days(rng.uniform(0, 30)))
        coordinator = world.coordinator().member
        log.created_at = entered
        log.created_by_id = coordinator.id
        log.note = texts.LATE_NOTE
        corrections.append(Correction(CorrectionKind.LATE_TIME_LOG, log, period, entered, coordinator.id))
    return corrections


def _category_corrections(world: World, stories: list[Story]) -> list[Correction]:
    """Requests still running after their month was reported, whose category a coordinator then corrects."""
    rng, now = world.rng, world.timeline.now
    candidates = []
    for story in stories:
        request = story.request
        reported = period_end(period_of(request.created_at)) + REPORTED_AFTER
        still_open_until = request.closed_at or now
        if reported + days(1) < still_open_until:
            candidates.append((story, reported, still_open_until))
    corrections = []
    for story, reported, until in rng.sample(candidates, min(CATEGORY_CORRECTIONS, len(candidates))):
        request = story.request
        at = _working_hours(world, reported + (min(until, reported + days(60)) - reported) * rng.uniform(0.1, 0.9))
        at = min(at, until - days(0.01))  # a closed request can no longer be changed
        coordinator = world.coordinator().member
        wrong = MISFILED[request.category]
        corrections.append(
            Correction(
                CorrectionKind.REQUEST_CATEGORY,
                request,
                period_of(request.created_at),
                at,
                coordinator.id,
                before=wrong,
                after=request.category,
            )
        )
        request.updated_at = max(request.updated_at, at)
    return corrections


def _working_hours(world: World, around: datetime) -> datetime:
    """A moment in a coordinator's working day on the day of `around`, not after now."""
    return min(office_hours(world.rng, local_date(around), 9, 17), world.timeline.now)
