"""Export, erasure and retention.

Erasure removes everything that identifies a person and keeps the anonymous
history -- a request happened, in this category and buurt, this month; so
many hours were given -- so that figures already reported to the hub stay true.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update

from node.accounts.actor import Actor
from node.accounts.models import Account, ApiToken, LoginThrottle
from node.accounts.permissions import require_self_or_role
from node.audit.services import events_about_member, record
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferStatusChange
from node.matching.models import Match
from node.matching.services import reopen_if_unmatched
from node.members.models import Member, MemberRole, MemberSkill
from node.members.services import count_with_role
from node.settings.services import get_setting
from node.work.models import TimeLog
from schemas.node.codes import (
    CLOSED_STATUSES,
    LIVE_MATCH_STATUSES,
    AuditAction,
    MatchStatus,
    MembershipStatus,
    OfferStatus,
    RequestStatus,
    Role,
)
from wijknet.errors import Conflict, NotFound
from wijknet.web.database import utcnow

EXPORT_FORMAT = "wijknet.member-export/1"


def _member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def export_member_data(actor: Actor, member_id: int) -> dict[str, Any]:
    """Everything the node holds about one member, as plain data (GDPR art. 15 and 20)."""
    require_self_or_role(actor, member_id, Role.COORDINATOR, Role.ADMIN)
    member = _member(member_id)
    record(actor, AuditAction.EXPORT, "member", member_id, subject_member_id=member_id)
    db.session.flush()
    requests = db.session.scalars(
        select(HelpRequest).where(HelpRequest.requester_id == member_id).order_by(HelpRequest.id)
    )
    offers = db.session.scalars(select(HelpOffer).where(HelpOffer.volunteer_id == member_id).order_by(HelpOffer.id))
    as_volunteer = db.session.scalars(select(Match).where(Match.volunteer_id == member_id).order_by(Match.id))
    on_own_requests = db.session.scalars(
        select(Match)
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(HelpRequest.requester_id == member_id)
        .order_by(Match.id)
    )
    logs = db.session.scalars(select(TimeLog).where(TimeLog.member_id == member_id).order_by(TimeLog.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.member_id == member_id).order_by(ApiToken.id))
    account = db.session.scalar(select(Account).where(Account.member_id == member_id))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow(),
        "cooperative": current_app.extensions["wijknet.settings"].name,
        "member": {
            "id": member.id,
            "kind": member.kind,
            "name": member.name,
            "email": member.email,
            "phone": member.phone,
            "street_address": member.street_address,
            "postcode": member.postcode,
            "buurt_code": member.buurt_code,
            "birth_year": member.birth_year,
            "notes": member.notes,
            "status": member.status,
            "joined_on": member.joined_on,
            "left_on": member.left_on,
            "availability": member.availability,
            "skills": member.skills,
            "roles": member.roles,
            "erased_at": member.erased_at,
        },
        "account": None
        if account is None
        else {"created_at": account.created_at, "last_login_at": account.last_login_at, "active": account.active},
        "consents": [
            {
                "purpose": c.purpose,
                "method": c.method,
                "statement_version": c.statement_version,
                "given_at": c.given_at,
                "on_behalf": c.on_behalf,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in member.consents
        ],
        "help_requests": [
            {
                "id": r.id,
                "category": r.category,
                "description": r.description,
                "urgency": r.urgency,
                "buurt_code": r.buurt_code,
                "status": r.status,
                "recurrence": r.recurrence,
                "preferred_slots": r.preferred_slots,
                "created_at": r.created_at,
                "matched_at": r.matched_at,
                "started_at": r.started_at,
                "closed_at": r.closed_at,
                "referral_to": r.referral_to,
                "closing_note": r.closing_note,
            }
            for r in requests
        ],
        "help_offers": [
            {
                "id": o.id,
                "categories": o.categories,
                "description": o.description,
                "availability": o.availability,
                "frequency": o.frequency,
                "status": o.status,
                "created_at": o.created_at,
            }
            for o in offers
        ],
        # Matches without the other person's name: that is their data, not this member's.
        "matches_as_volunteer": [_match_export(m) for m in as_volunteer],
        "matches_on_own_requests": [_match_export(m) for m in on_own_requests],
        "time_logs": [
            {
                "id": t.id,
                "worked_on": t.worked_on,
                "hours": str(t.hours),
                "paid": t.paid,
                "match_id": t.match_id,
                "assignment_id": t.assignment_id,
                "note": t.note,
            }
            for t in logs
        ],
        "api_tokens": [
            {"name": t.name, "role": t.role, "created_at": t.created_at, "revoked_at": t.revoked_at} for t in tokens
        ],
        "access_log": [
            {"at": e.at, "action": e.action, "by": e.actor_label, "subject": e.subject_type, "subject_id": e.subject_id}
            for e in events_about_member(member_id)
        ],
    }


def _match_export(match: Match) -> dict[str, Any]:
    return {
        "id": match.id,
        "request_id": match.request_id,
        "category": match.request.category,
        "status": match.status,
        "proposed_at": match.proposed_at,
        "responded_at": match.responded_at,
        "completed_at": match.completed_at,
        "note": match.note,
    }


@dataclass
class ErasureResult:
    member_id: int
    erased_at: datetime
    requests_cancelled: int
    texts_cleared: int


def erase_member(actor: Actor, member_id: int, now: datetime | None = None) -> ErasureResult:
    """Remove a member's personal data and keep the anonymous history (GDPR art. 17)."""
    require_self_or_role(actor, member_id, Role.ADMIN)
    now = now or utcnow()
    member = _member(member_id)
    if member.is_erased:
        raise Conflict("This member's data was already erased.")
    if member.has_role(Role.ADMIN) and count_with_role(Role.ADMIN) <= 1:
        raise Conflict("This is the last administrator; make someone else administrator first.")

    requests = list(db.session.scalars(select(HelpRequest).where(HelpRequest.requester_id == member_id)))
    cancelled = 0
    for help_request in requests:
        if help_request.status not in CLOSED_STATUSES:
            help_request.status = RequestStatus.CANCELLED
            help_request.closed_at = now
            cancelled += 1
        help_request.description = None
        help_request.closing_note = None
        help_request.preferred_slots = []
        help_request.text_cleared_at = now
    request_ids = [r.id for r in requests]

    live = db.session.scalars(
        select(Match).where(
            or_(Match.volunteer_id == member_id, Match.request_id.in_(request_ids)),
            Match.status.in_(LIVE_MATCH_STATUSES),
        )
    )
    for match in live:
        match.status = MatchStatus.WITHDRAWN
        match.withdrawn_at = now
        reopen_if_unmatched(match.request, match)
    db.session.execute(
        update(Match)
        .where(or_(Match.volunteer_id == member_id, Match.request_id.in_(request_ids)))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )

    for offer in db.session.scalars(select(HelpOffer).where(HelpOffer.volunteer_id == member_id)):
        offer.description = None
        offer.availability = []
        if offer.status != OfferStatus.ENDED:
            offer.status = OfferStatus.ENDED
            offer.status_changes.append(OfferStatusChange(status=OfferStatus.ENDED, changed_at=now))
    texts = db.session.execute(
        update(TimeLog)
        .where(TimeLog.member_id == member_id, TimeLog.note.is_not(None))
        .values(note=None)
        .execution_options(synchronize_session=False)
    ).rowcount

    # Recorded before the tokens go: a member erasing themself acts through one of them.
    record(
        actor,
        AuditAction.ERASE,
        "member",
        member_id,
        subject_member_id=member_id,
        detail=f"{len(request_ids)} requests kept anonymously, {cancelled} cancelled",
    )
    db.session.flush()
    if member.email:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"email:{member.email}"))
    db.session.execute(delete(Account).where(Account.member_id == member_id))
    db.session.execute(delete(ApiToken).where(ApiToken.member_id == member_id))
    db.session.execute(delete(MemberRole).where(MemberRole.member_id == member_id))
    db.session.execute(delete(MemberSkill).where(MemberSkill.member_id == member_id))
    member.name = member.email = member.phone = member.street_address = member.postcode = member.notes = None
    member.birth_year = None
    member.availability = []
    member.status = MembershipStatus.ENDED
    member.left_on = member.left_on or max(member.joined_on, date.today())
    member.erased_at = now
    db.session.flush()
    db.session.expire(member)
    return ErasureResult(member_id, now, cancelled, len(request_ids) + texts)


@dataclass
class RetentionResult:
    cutoff: datetime
    requests_cleared: int
    matches_cleared: int
    time_logs_cleared: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month = month_index + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def apply_retention(now: datetime | None = None) -> RetentionResult:
    """Clear the free text of requests closed longer ago than the retention setting.

    A plain function: the daily job and `wijknet node retention` both call it.
    """
    now = now or utcnow()
    cutoff = months_before(now, int(get_setting("retention_months")))
    expired = select(HelpRequest.id).where(
        HelpRequest.closed_at < cutoff,
        HelpRequest.text_cleared_at.is_(None),
    )
    expired_matches = select(Match.id).where(Match.request_id.in_(expired))
    logs = db.session.execute(
        update(TimeLog)
        .where(TimeLog.match_id.in_(expired_matches), TimeLog.note.is_not(None))
        .values(note=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    matches = db.session.execute(
        update(Match)
        .where(Match.request_id.in_(expired), Match.note.is_not(None))
        .values(note=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    requests = db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.closed_at < cutoff, HelpRequest.text_cleared_at.is_(None))
        .values(description=None, closing_note=None, text_cleared_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.first_failure_at < months_before(now, 1)))
    if requests:
        record(
            Actor.system("retention"),
            AuditAction.RETENTION,
            "help_request",
            detail=f"free text cleared of {requests} requests closed before {cutoff:%Y-%m-%d}",
        )
    return RetentionResult(cutoff, requests, matches, logs)
