"""Time logs (inzet): hours on a match or an assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import changed_fields, record
from node.extensions import db
from node.matching.models import Match
from node.members.models import Member
from node.needs.activity import log_activity, refresh_activities, refresh_activity
from node.work.models import Assignment, TimeLog
from schemas.node.codes import AssignmentStatus, AuditAction, MatchStatus, Role
from wijknet.errors import FieldError, InvalidInput, NotFound, PermissionDenied
from wijknet.web.pagination import Page, paginate

# Hours may be logged a little ahead (time zones, a late evening) but not for the future.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class TimeLogFilter:
    member_id: int | None = None
    match_id: int | None = None
    assignment_id: int | None = None
    paid: bool | None = None
    worked_from: date | None = None
    worked_until: date | None = None


def _get(log_id: int) -> TimeLog:
    log = db.session.get(TimeLog, log_id)
    if log is None:
        raise NotFound("No such time log.")
    return log


def _check_worked_on(worked_on: date) -> None:
    if worked_on > date.today() + FUTURE_TOLERANCE:
        raise InvalidInput("Hours cannot be logged for the future.", [FieldError("worked_on", "In the future.")])


def log_hours(actor: Actor, data: dict[str, Any]) -> TimeLog:
    """Log hours: volunteers on their own accepted matches, coordinators for anyone."""
    data = dict(data)
    member_id = data.pop("member_id", None) or actor.member_id
    if member_id is None:
        raise InvalidInput("Say whose hours these are.", [FieldError("member_id", "Required.")])
    match_id, assignment_id = data.get("match_id"), data.get("assignment_id")
    if (match_id is None) == (assignment_id is None):
        raise InvalidInput(
            "Hours belong to a match or to an assignment.",
            [FieldError(f, "Give exactly one of match_id and assignment_id.") for f in ("match_id", "assignment_id")],
        )
    if not actor.is_member(member_id) or assignment_id is not None:
        require_role(actor, Role.COORDINATOR)
    member = db.session.get(Member, member_id)
    if member is None or member.is_erased:
        raise InvalidInput("No such member.", [FieldError("member_id", "Unknown member.")])
    _check_worked_on(data["worked_on"])
    if match_id is not None:
        match = db.session.get(Match, match_id)
        if match is None or not (actor.is_staff or actor.is_member(match.volunteer_id)):
            raise InvalidInput("No such match.", [FieldError("match_id", "Unknown match.")])
        if match.status not in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED):
            raise InvalidInput(
                "Hours go on an accepted or completed match.", [FieldError("match_id", f"The match is {match.status}.")]
            )
        if member_id != match.volunteer_id and not actor.is_staff:
            raise PermissionDenied("Only a coordinator logs hours for someone else.")
        category = match.category
    else:
        assignment = db.session.get(Assignment, assignment_id)
        if assignment is None:
            raise InvalidInput("No such assignment.", [FieldError("assignment_id", "Unknown assignment.")])
        if assignment.status in (AssignmentStatus.PLANNED, AssignmentStatus.CANCELLED):
            raise InvalidInput(
                "Hours go on an active or finished assignment.",
                [FieldError("assignment_id", f"The assignment is {assignment.status}.")],
            )
        category = assignment.category
    log = TimeLog(member_id=member_id, category=category, created_by_id=actor.member_id, **data)
    db.session.add(log)
    db.session.flush()
    refresh_activity(*log_activity(log))
    record(actor, AuditAction.CREATE, "time_log", log.id, subject_member_id=member_id)
    return log


def get_time_log(actor: Actor, log_id: int) -> TimeLog:
    log = _get(log_id)
    if not (actor.is_staff or actor.is_member(log.member_id)):
        raise NotFound("No such time log.")
    return log


def list_time_logs(actor: Actor, filters: TimeLogFilter, page: int, page_size: int) -> Page[TimeLog]:
    if not actor.is_staff:
        if actor.member_id is None:
            raise PermissionDenied("This needs the coordinator role.")
        if filters.member_id not in (None, actor.member_id):
            raise PermissionDenied("Members see only their own hours.")
        filters.member_id = actor.member_id
    stmt = select(TimeLog).order_by(TimeLog.worked_on.desc(), TimeLog.id.desc())
    for column, value in (
        (TimeLog.member_id, filters.member_id),
        (TimeLog.match_id, filters.match_id),
        (TimeLog.assignment_id, filters.assignment_id),
        (TimeLog.paid, filters.paid),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.worked_from is not None:
        stmt = stmt.where(TimeLog.worked_on >= filters.worked_from)
    if filters.worked_until is not None:
        stmt = stmt.where(TimeLog.worked_on <= filters.worked_until)
    return paginate(db.session, stmt, page, page_size)


def update_time_log(actor: Actor, log_id: int, changes: dict[str, Any]) -> TimeLog:
    log = get_time_log(actor, log_id)
    if not actor.is_staff and log.created_by_id != actor.member_id:
        raise PermissionDenied("Only a coordinator changes hours someone else logged.")
    if "worked_on" in changes:
        _check_worked_on(changes["worked_on"])
    before = log_activity(log)
    for key, value in changes.items():
        setattr(log, key, value)
    db.session.flush()
    refresh_activities([before, log_activity(log)])  # another day, or paid now
    record(
        actor, AuditAction.UPDATE, "time_log", log_id, subject_member_id=log.member_id, detail=changed_fields(changes)
    )
    return log


def delete_time_log(actor: Actor, log_id: int) -> None:
    log = get_time_log(actor, log_id)
    if not actor.is_staff and log.created_by_id != actor.member_id:
        raise PermissionDenied("Only a coordinator removes hours someone else logged.")
    activity = log_activity(log)
    db.session.delete(log)
    db.session.flush()
    refresh_activity(*activity)
    record(actor, AuditAction.DELETE, "time_log", log_id, subject_member_id=log.member_id)
