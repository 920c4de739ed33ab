"""Help requests: intake, the status workflow, reading and listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, select, update

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.areas.services import check_buurt
from node.audit.services import changed_fields, record
from node.availability import normalise_slots
from node.extensions import db
from node.help.models import HelpRequest
from node.matching.models import Match
from node.members.models import Member
from node.members.services import has_active_consent
from node.needs.activity import match_activities, refresh_activities
from node.work.models import TimeLog
from schemas.node.codes import (
    CLOSED_STATUSES,
    LIVE_MATCH_STATUSES,
    AuditAction,
    ConsentPurpose,
    MatchStatus,
    MembershipStatus,
    RequestStatus,
    Role,
    Urgency,
)
from wijknet.errors import FieldError, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from wijknet.web.database import utcnow
from wijknet.web.pagination import Page, paginate

# Which status may follow which, by a person's hand. `open -> matched` is not
# here: a request becomes matched when a volunteer accepts a match.
MANUAL_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.CANCELLED, RequestStatus.REFERRED}),
    RequestStatus.MATCHED: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REFERRED}
    ),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REFERRED}),
}

EDITABLE_FIELDS = frozenset({"category", "description", "urgency", "buurt_code", "preferred_slots", "recurrence"})

URGENCY_RANK = case(
    {Urgency.URGENT.value: 0, Urgency.HIGH.value: 1, Urgency.NORMAL.value: 2, Urgency.LOW.value: 3},
    value=HelpRequest.urgency,
    else_=4,
)


@dataclass
class RequestFilter:
    status: list[RequestStatus] | None = None
    category: str | None = None
    urgency: Urgency | None = None
    buurt_code: str | None = None
    requester_id: int | None = None
    created_from: datetime | None = None
    created_until: datetime | None = None
    sort: str = "newest"  # or "waiting": urgent first, then the longest waiting


def _get(request_id: int) -> HelpRequest:
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None:
        raise NotFound("No such help request.")
    return help_request


# A volunteer sees a request once proposed for it, but works on it only once they accepted.
SEEING_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED)


def _is_volunteer_on(actor: Actor, request_id: int, statuses: tuple[MatchStatus, ...] = SEEING_MATCH_STATUSES) -> bool:
    if actor.member_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Match.request_id == request_id,
                    Match.volunteer_id == actor.member_id,
                    Match.status.in_(statuses),
                )
            )
        )
    )


def _may_see(actor: Actor, help_request: HelpRequest) -> bool:
    return actor.is_staff or actor.is_member(help_request.requester_id) or _is_volunteer_on(actor, help_request.id)


def create_request(actor: Actor, data: dict[str, Any]) -> HelpRequest:
    """Take in a request: a member asks for themself, a coordinator for anyone."""
    data = dict(data)
    requester_id = data.pop("requester_id", None) or actor.member_id
    if requester_id is None:
        raise InvalidInput("Say who asks for help.", [FieldError("requester_id", "Required.")])
    if not actor.is_member(requester_id):
        require_role(actor, Role.COORDINATOR)
    requester = db.session.get(Member, requester_id)
    if requester is None or requester.is_erased:
        raise InvalidInput("No such member.", [FieldError("requester_id", "Unknown member.")])
    if requester.status == MembershipStatus.ENDED:
        raise InvalidInput("This membership has ended.", [FieldError("requester_id", "Membership ended.")])
    if not has_active_consent(requester, ConsentPurpose.MEMBERSHIP):
        raise InvalidInput(
            "Record the member's consent before taking in a request.",
            [FieldError("requester_id", "No consent for processing this member's data.")],
        )
    data.setdefault("buurt_code", requester.buurt_code)
    check_buurt(data.get("buurt_code"))
    data["preferred_slots"] = normalise_slots(data.get("preferred_slots"))
    help_request = HelpRequest(requester_id=requester_id, created_by_id=actor.member_id, created_at=utcnow(), **data)
    db.session.add(help_request)
    db.session.flush()
    record(actor, AuditAction.CREATE, "help_request", help_request.id, subject_member_id=requester_id)
    return help_request


def get_request(actor: Actor, request_id: int) -> HelpRequest:
    help_request = _get(request_id)
    if not _may_see(actor, help_request):
        # Do not confirm that someone else's request exists.
        raise NotFound("No such help request.")
    if not actor.is_member(help_request.requester_id):
        record(actor, AuditAction.VIEW, "help_request", request_id, subject_member_id=help_request.requester_id)
    return help_request


def list_requests(actor: Actor, filters: RequestFilter, page: int, page_size: int) -> Page[HelpRequest]:
    """Coordinators see every request; members their own."""
    stmt = select(HelpRequest)
    if not actor.is_staff:
        if actor.member_id is None:
            raise PermissionDenied("This needs the coordinator role.")
        if filters.requester_id not in (None, actor.member_id):
            raise PermissionDenied("Members see only their own requests.")
        filters.requester_id = actor.member_id
    if filters.status:
        stmt = stmt.where(HelpRequest.status.in_(filters.status))
    if filters.category:
        stmt = stmt.where(HelpRequest.category == filters.category)
    if filters.urgency:
        stmt = stmt.where(HelpRequest.urgency == filters.urgency)
    if filters.buurt_code:
        stmt = stmt.where(HelpRequest.buurt_code == filters.buurt_code)
    if filters.requester_id is not None:
        stmt = stmt.where(HelpRequest.requester_id == filters.requester_id)
    if filters.created_from:
        stmt = stmt.where(HelpRequest.created_at >= filters.created_from)
    if filters.created_until:
        stmt = stmt.where(HelpRequest.created_at < filters.created_until)
    if filters.sort == "waiting":
        stmt = stmt.order_by(URGENCY_RANK, HelpRequest.created_at, HelpRequest.id)
    else:
        stmt = stmt.order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
    result = paginate(db.session, stmt, page, page_size)
    if actor.is_staff:
        record(actor, AuditAction.LIST, "help_request", detail=f"{len(result.items)} of {result.total} shown")
    return result


def update_request(actor: Actor, request_id: int, changes: dict[str, Any]) -> HelpRequest:
    """Change what is asked while the request is not closed."""
    help_request = _get(request_id)
    if not actor.is_member(help_request.requester_id):
        if not _may_see(actor, help_request):
            raise NotFound("No such help request.")
        require_role(actor, Role.COORDINATOR)
    if help_request.is_closed:
        raise InvalidTransition(f"The request is {help_request.status.value}; it can no longer be changed.")
    if "buurt_code" in changes:
        check_buurt(changes["buurt_code"])
    if "preferred_slots" in changes:
        changes["preferred_slots"] = normalise_slots(changes["preferred_slots"])
    if "category" in changes and changes["category"] != help_request.category:
        _recategorise(help_request, changes["category"])
    for key, value in changes.items():
        setattr(help_request, key, value)
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "help_request",
        request_id,
        subject_member_id=help_request.requester_id,
        detail=changed_fields(changes),
    )
    return help_request


def _recategorise(help_request: HelpRequest, category: str) -> None:
    """A corrected category holds for the request's matches and the hours on them too (they count under it)."""
    matches = select(Match.id).where(Match.request_id == help_request.id)
    months = match_activities(list(db.session.scalars(matches)), (help_request.category, category))
    db.session.execute(
        update(Match)
        .where(Match.request_id == help_request.id)
        .values(category=category)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(TimeLog)
        .where(TimeLog.match_id.in_(matches))
        .values(category=category)
        .execution_options(synchronize_session="fetch")
    )
    refresh_activities(months)  # the volunteers' months leave the old category for the new one


def change_status(
    actor: Actor,
    request_id: int,
    status: RequestStatus,
    *,
    referral_to: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> HelpRequest:
    """Move a request along its workflow (start, complete, cancel, refer)."""
    now = now or utcnow()
    help_request = _get(request_id)
    _check_may_change_status(actor, help_request, status)
    allowed = MANUAL_TRANSITIONS.get(help_request.status, frozenset())
    if status not in allowed:
        hint = " A request becomes matched when a volunteer accepts a match." if status == RequestStatus.MATCHED else ""
        raise InvalidTransition(f"A {help_request.status.value} request cannot become {status.value}.{hint}")
    if status == RequestStatus.REFERRED and referral_to is None:
        raise InvalidInput("Say to whom the request is referred.", [FieldError("referral_to", "Required.")])
    help_request.status = status
    if status == RequestStatus.IN_PROGRESS:
        help_request.started_at = now
    if status in CLOSED_STATUSES:
        help_request.closed_at = now
        help_request.closing_note = note
        if status == RequestStatus.REFERRED:
            help_request.referral_to = referral_to
        _close_live_matches(help_request, done=status == RequestStatus.DONE, now=now)
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "help_request",
        request_id,
        subject_member_id=help_request.requester_id,
        detail=f"status: {status.value}",
    )
    return help_request


def _check_may_change_status(actor: Actor, help_request: HelpRequest, status: RequestStatus) -> None:
    if actor.is_staff:
        return
    if actor.is_member(help_request.requester_id) and status == RequestStatus.CANCELLED:
        return  # residents may take back their own question
    working = _is_volunteer_on(actor, help_request.id, (MatchStatus.ACCEPTED,))
    if working and status in (RequestStatus.IN_PROGRESS, RequestStatus.DONE):
        return  # the volunteer reports that the work started or is done
    if not _may_see(actor, help_request):
        raise NotFound("No such help request.")
    raise PermissionDenied("Only a coordinator can make this change.")


def _close_live_matches(help_request: HelpRequest, *, done: bool, now: datetime) -> None:
    """A closed request leaves no live match behind: proposals lapse, accepted matches end."""
    matches = db.session.scalars(
        select(Match).where(Match.request_id == help_request.id, Match.status.in_(LIVE_MATCH_STATUSES))
    )
    for match in matches:
        if done and match.status == MatchStatus.ACCEPTED:
            match.status = MatchStatus.COMPLETED
            match.completed_at = now
        else:
            match.status = MatchStatus.WITHDRAWN
            match.withdrawn_at = now
