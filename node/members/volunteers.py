"""The coordinator's view of the volunteers: who offers what, where, and how busy they are now.

The load (live matches, hours this month) and the offers are counted in SQL
for the volunteers of one page at a time. Members, offers and matches are
personal data: the list follows `list_members` (coordinators and
administrators), and what someone offers and does only coordinators see,
as `list_offers` and `list_matches` have it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, exists, func, or_, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.help.models import HelpOffer, OfferCategory
from node.help.offers import OfferFilter, list_offers
from node.matching.models import Match
from node.matching.services import MatchFilter, list_matches
from node.members.models import Member, MemberRole, MemberSkill
from node.members.services import get_member
from node.work.models import TimeLog
from schemas.node.codes import LIVE_MATCH_STATUSES, AuditAction, OfferStatus, Role
from wijknet.errors import NotFound
from wijknet.web.pagination import Page, paginate

# A volunteer's page shows their most recent offers and matches; older ones are in the API.
RECENT = 50


@dataclass
class VolunteerFilter:
    category: str | None = None  # a skill or an active offer in it
    buurt_code: str | None = None


@dataclass
class VolunteerLoad:
    """What a volunteer offers (active offers) and how busy they are now."""

    active_offers: int = 0
    offer_categories: list[str] = field(default_factory=list)
    live_matches: int = 0  # proposed or accepted
    hours_this_month: Decimal = Decimal("0.00")


@dataclass
class VolunteerRow:
    member: Member
    load: VolunteerLoad | None  # None: not the actor's to see


@dataclass
class VolunteerProfile:
    member: Member
    load: VolunteerLoad | None
    offers: list[HelpOffer] | None = None  # most recent first; None: not the actor's to see
    matches: list[Match] | None = None


def may_see_work(actor: Actor) -> bool:
    """Offers, matches and hours of others are the coordinators' (see node.accounts.permissions)."""
    return actor.is_staff


def list_volunteers(
    actor: Actor, filters: VolunteerFilter, page: int, page_size: int, *, today: date | None = None
) -> Page[VolunteerRow]:
    """Active, not erased members with the volunteer role, by name; with their load for coordinators."""
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    stmt = (
        select(Member)
        .join(MemberRole, and_(MemberRole.member_id == Member.id, MemberRole.role == Role.VOLUNTEER))
        .where(Member.erased_at.is_(None))
        .order_by(Member.name, Member.id)
    )
    if filters.buurt_code is not None:
        stmt = stmt.where(Member.buurt_code == filters.buurt_code)
    if filters.category is not None:
        offers = exists().where(
            HelpOffer.volunteer_id == Member.id,
            HelpOffer.status == OfferStatus.ACTIVE,
            OfferCategory.offer_id == HelpOffer.id,
            OfferCategory.category == filters.category,
        )
        skill = exists().where(MemberSkill.member_id == Member.id, MemberSkill.category == filters.category)
        stmt = stmt.where(or_(offers, skill))
    members = paginate(db.session, stmt, page, page_size)
    record(actor, AuditAction.LIST, "member", detail=f"volunteers: {len(members.items)} of {members.total} shown")
    loads = volunteer_loads([m.id for m in members.items], today=today) if may_see_work(actor) else {}
    rows = [VolunteerRow(m, loads.get(m.id)) for m in members.items]
    return Page(rows, members.page, members.page_size, members.total)


def volunteer_profile(actor: Actor, member_id: int, *, today: date | None = None) -> VolunteerProfile:
    """One volunteer: their details (audited by `get_member`), and for coordinators their offers and matches."""
    member = get_member(actor, member_id)
    if not member.has_role(Role.VOLUNTEER) or member.is_erased:
        raise NotFound("No such volunteer.")
    profile = VolunteerProfile(member, None)
    if may_see_work(actor):
        profile.load = volunteer_loads([member_id], today=today)[member_id]
        profile.offers = list_offers(actor, OfferFilter(volunteer_id=member_id), 1, RECENT).items
        profile.matches = list_matches(actor, MatchFilter(volunteer_id=member_id), 1, RECENT).items
    return profile


def volunteer_loads(member_ids: list[int], *, today: date | None = None) -> dict[int, VolunteerLoad]:
    """Active offers with their categories, live matches and this month's hours per volunteer, in SQL."""
    loads = {i: VolunteerLoad() for i in member_ids}
    if not member_ids:
        return loads
    first_of_month = (today or date.today()).replace(day=1)
    offered = db.session.execute(
        select(HelpOffer.volunteer_id, OfferCategory.category)
        .join(OfferCategory, OfferCategory.offer_id == HelpOffer.id)
        .where(HelpOffer.volunteer_id.in_(member_ids), HelpOffer.status == OfferStatus.ACTIVE)
        .group_by(HelpOffer.volunteer_id, OfferCategory.category)
        .order_by(HelpOffer.volunteer_id, OfferCategory.category)
    )
    for volunteer_id, category in offered:
        loads[volunteer_id].offer_categories.append(category)
    active = db.session.execute(
        select(HelpOffer.volunteer_id, func.count())
        .where(HelpOffer.volunteer_id.in_(member_ids), HelpOffer.status == OfferStatus.ACTIVE)
        .group_by(HelpOffer.volunteer_id)
    )
    for volunteer_id, count in active:
        loads[volunteer_id].active_offers = int(count)
    live = db.session.execute(
        select(Match.volunteer_id, func.count())
        .where(Match.volunteer_id.in_(member_ids), Match.status.in_(LIVE_MATCH_STATUSES))
        .group_by(Match.volunteer_id)
    )
    for volunteer_id, count in live:
        loads[volunteer_id].live_matches = int(count)
    hours = db.session.execute(
        select(TimeLog.member_id, func.sum(TimeLog.hours))
        .where(TimeLog.member_id.in_(member_ids), TimeLog.worked_on >= first_of_month)
        .group_by(TimeLog.member_id)
    )
    for member_id, total in hours:
        loads[member_id].hours_this_month = Decimal(total)
    return loads
