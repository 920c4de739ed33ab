"""Matches: proposing a volunteer, accepting or declining, completing, withdrawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from federation.protocol.periods import period_of
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.help.models import HelpRequest
from node.matching.models import Match
from node.members.models import Member
from node.members.services import has_active_consent
from node.needs.activity import refresh_activity
from schemas.node.codes import (
    CLOSED_STATUSES,
    LIVE_MATCH_STATUSES,
    AuditAction,
    ConsentPurpose,
    MatchStatus,
    MembershipStatus,
    RequestStatus,
    Role,
)
from wijknet.errors import Conflict, FieldError, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from wijknet.web.database import utcnow
from wijknet.web.pagination import Page, paginate

# Who may move a match to which status, from which.
TRANSITIONS: dict[MatchStatus, frozenset[MatchStatus]] = {
    MatchStatus.PROPOSED: frozenset({MatchStatus.ACCEPTED, MatchStatus.DECLINED, MatchStatus.WITHDRAWN}),
    MatchStatus.ACCEPTED: frozenset({MatchStatus.COMPLETED, MatchStatus.WITHDRAWN}),
}


@dataclass
class MatchFilter:
    request_id: int | None = None
    volunteer_id: int | None = None
    status: MatchStatus | None = None


def _get(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound("No such match.")
    return match


def _is_party(actor: Actor, match: Match) -> bool:
    return actor.is_member(match.volunteer_id) or actor.is_member(match.request.requester_id)


def propose(actor: Actor, request_id: int, volunteer_id: int, note: str | None = None) -> Match:
    """A coordinator proposes a volunteer for a request."""
    require_role(actor, Role.COORDINATOR)
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None:
        raise InvalidInput("No such help request.", [FieldError("request_id", "Unknown help request.")])
    if help_request.status in CLOSED_STATUSES:
        raise InvalidTransition(f"The request is {help_request.status.value}; it cannot be matched.")
    volunteer = db.session.get(Member, volunteer_id)
    if volunteer is None or volunteer.is_erased:
        raise InvalidInput("No such member.", [FieldError("volunteer_id", "Unknown member.")])
    if not volunteer.has_role(Role.VOLUNTEER):
        raise InvalidInput("This member is not a volunteer.", [FieldError("volunteer_id", "Not a volunteer.")])
    if volunteer.status != MembershipStatus.ACTIVE:
        raise InvalidInput("This volunteer's membership is not active.", [FieldError("volunteer_id", "Not active.")])
    if volunteer_id == help_request.requester_id:
        raise InvalidInput("Someone cannot help themself here.", [FieldError("volunteer_id", "Is the requester.")])
    live = db.session.scalar(
        select(Match.id).where(
            Match.request_id == request_id,
            Match.volunteer_id == volunteer_id,
            Match.status.in_(LIVE_MATCH_STATUSES),
        )
    )
    if live is not None:
        raise Conflict(f"This volunteer already has a live match ({live}) for this request.")
    match = Match(
        request_id=request_id,
        volunteer_id=volunteer_id,
        category=help_request.category,
        proposed_by_id=actor.member_id,
        note=note,
        proposed_at=utcnow(),
    )
    db.session.add(match)
    db.session.flush()
    record(actor, AuditAction.CREATE, "match", match.id, subject_member_id=help_request.requester_id)
    return match


def get_match(actor: Actor, match_id: int) -> Match:
    match = _get(match_id)
    if not (actor.is_staff or _is_party(actor, match)):
        raise NotFound("No such match.")
    return match


def list_matches(actor: Actor, filters: MatchFilter, page: int, page_size: int) -> Page[Match]:
    """Coordinators see every match; members the matches they are part of."""
    stmt = select(Match).order_by(Match.proposed_at.desc(), Match.id.desc())
    if not actor.is_staff:
        if actor.member_id is None:
            raise PermissionDenied("This needs the coordinator role.")
        stmt = stmt.join(HelpRequest, HelpRequest.id == Match.request_id).where(
            or_(Match.volunteer_id == actor.member_id, HelpRequest.requester_id == actor.member_id)
        )
    if filters.request_id is not None:
        stmt = stmt.where(Match.request_id == filters.request_id)
    if filters.volunteer_id is not None:
        stmt = stmt.where(Match.volunteer_id == filters.volunteer_id)
    if filters.status is not None:
        stmt = stmt.where(Match.status == filters.status)
    return paginate(db.session, stmt, page, page_size)


def change_status(
    actor: Actor, match_id: int, status: MatchStatus, note: str | None = None, now: datetime | None = None
) -> Match:
    """Accept, decline, complete or withdraw a match."""
    now = now or utcnow()
    match = _get(match_id)
    if not (actor.is_staff or _is_party(actor, match)):
        raise NotFound("No such match.")
    if not actor.is_staff and not actor.is_member(match.volunteer_id):
        raise PermissionDenied("Only the volunteer or a coordinator can change this match.")
    if status not in TRANSITIONS.get(match.status, frozenset()):
        raise InvalidTransition(f"A {match.status.value} match cannot become {status.value}.")
    help_request = match.request
    if status == MatchStatus.ACCEPTED and help_request.status in CLOSED_STATUSES:
        raise InvalidTransition(f"The request is {help_request.status.value}; the match can no longer be accepted.")
    match.status = status
    if note is not None:
        match.note = note
    if status in (MatchStatus.ACCEPTED, MatchStatus.DECLINED):
        match.responded_at = now
    if status == MatchStatus.ACCEPTED and help_request.status == RequestStatus.OPEN:
        help_request.status = RequestStatus.MATCHED
        help_request.record_first_match(now)
    if status == MatchStatus.COMPLETED:
        match.completed_at = now
    if status == MatchStatus.WITHDRAWN:
        match.withdrawn_at = now
        reopen_if_unmatched(help_request, match)
    db.session.flush()
    if status == MatchStatus.ACCEPTED:
        refresh_activity(match.volunteer_id, match.category, period_of(now))
    record(
        actor,
        AuditAction.UPDATE,
        "match",
        match.id,
        subject_member_id=help_request.requester_id,
        detail=f"status: {status.value}",
    )
    return match


def reopen_if_unmatched(help_request: HelpRequest, withdrawn: Match) -> None:
    """A matched request whose last volunteer dropped out is open again."""
    if help_request.status not in (RequestStatus.MATCHED, RequestStatus.IN_PROGRESS):
        return
    others = db.session.scalar(
        select(Match.id).where(
            Match.request_id == help_request.id,
            Match.id != withdrawn.id,
            Match.status.in_([MatchStatus.ACCEPTED, MatchStatus.COMPLETED]),
        )
    )
    if others is None:
        help_request.status = RequestStatus.OPEN
        help_request.started_at = None


def contact_details(actor: Actor, match: Match) -> dict[str, Any] | None:
    """The other side's contact details, shown only once a match is accepted.

    Coordinators always see them; the parties see each other's only while the
    match is accepted or completed, and only what the other side agreed to share.
    Every showing of someone else's details goes into the audit log.
    """
    if match.status not in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED):
        return None
    requester, volunteer = match.request.requester, match.volunteer
    details: dict[str, Any] = {}
    if actor.is_staff or (
        actor.is_member(volunteer.id) and has_active_consent(requester, ConsentPurpose.CONTACT_SHARING)
    ):
        details["requester"] = _contact(requester, address=True)
    if actor.is_staff or (
        actor.is_member(requester.id) and has_active_consent(volunteer, ConsentPurpose.CONTACT_SHARING)
    ):
        details["volunteer"] = _contact(volunteer, address=False)
    for side, person in (("requester", requester), ("volunteer", volunteer)):
        if side in details and not actor.is_member(person.id):
            record(actor, AuditAction.VIEW, "match", match.id, subject_member_id=person.id, detail=f"{side} contact")
    return details or None


def _contact(member: Member, *, address: bool) -> dict[str, Any]:
    details: dict[str, Any] = {"name": member.name, "phone": member.phone, "email": member.email}
    if address:  # the volunteer goes to the requester, not the other way round
        details["street_address"] = member.street_address
        details["postcode"] = member.postcode
    return details
