"""Ranked suggestions of volunteers for a help request, each with its reasons.

Candidates are found and their current load counted in SQL; the ranking
itself is a handful of rules over at most a few hundred people, kept here in
plain sight so a coordinator can be told exactly why someone is suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.availability import overlap
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferCategory
from node.matching.models import Match
from node.members.models import Member, MemberRole, MemberSkill
from schemas.node.codes import CLOSED_STATUSES, LIVE_MATCH_STATUSES, MatchStatus, MembershipStatus, OfferStatus, Role
from wijknet.errors import InvalidTransition, NotFound

# Points per reason. Category first, then nearness, availability and load.
OFFERS_CATEGORY = 40
SKILL_ONLY = 20
SAME_BUURT = 25
PER_SHARED_SLOT = 5
MAX_SHARED_SLOTS = 3
NO_SHARED_SLOT = -10
FREE_NOW = 5
PER_LIVE_MATCH = -8

DEFAULT_LIMIT = 10


@dataclass
class Reason:
    code: str  # offers_category, has_skill, same_buurt, shared_slots, no_shared_slot, free_now, current_load
    points: int
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Suggestion:
    volunteer: Member
    score: int
    reasons: list[Reason]
    live_matches: int


def suggest_volunteers(actor: Actor, request_id: int, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    require_role(actor, Role.COORDINATOR)
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None:
        raise NotFound("No such help request.")
    if help_request.status in CLOSED_STATUSES:
        raise InvalidTransition(f"The request is {help_request.status.value}; no suggestions are made.")
    category = help_request.category

    offers_category = exists().where(
        HelpOffer.volunteer_id == Member.id,
        HelpOffer.status == OfferStatus.ACTIVE,
        OfferCategory.offer_id == HelpOffer.id,
        OfferCategory.category == category,
    )
    has_skill = exists().where(MemberSkill.member_id == Member.id, MemberSkill.category == category)
    already_asked = exists().where(
        Match.request_id == request_id,
        Match.volunteer_id == Member.id,
        or_(Match.status.in_(LIVE_MATCH_STATUSES), Match.status == MatchStatus.DECLINED),
    )
    load = (
        select(Match.volunteer_id, func.count().label("live"))
        .where(Match.status.in_(LIVE_MATCH_STATUSES))
        .group_by(Match.volunteer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Member, offers_category.label("offers"), has_skill.label("skill"), func.coalesce(load.c.live, 0))
        .join(MemberRole, and_(MemberRole.member_id == Member.id, MemberRole.role == Role.VOLUNTEER))
        .outerjoin(load, load.c.volunteer_id == Member.id)
        .where(
            Member.erased_at.is_(None),
            Member.status == MembershipStatus.ACTIVE,
            Member.id != help_request.requester_id,
            or_(offers_category, has_skill),
            ~already_asked,
        )
    ).all()

    availability = _offer_availability([row[0].id for row in rows], category)
    suggestions = [
        _rank(help_request, member, bool(offers), bool(skill), int(live), availability.get(member.id, []))
        for member, offers, skill, live in rows
    ]
    suggestions.sort(key=lambda s: (-s.score, s.live_matches, s.volunteer.id))
    return suggestions[:limit]


def _offer_availability(member_ids: list[int], category: str) -> dict[int, list[str]]:
    """Each candidate's availability: their active offers in the category, else their profile."""
    if not member_ids:
        return {}
    found: dict[int, set[str]] = {}
    offers = db.session.execute(
        select(HelpOffer.volunteer_id, HelpOffer.availability)
        .join(OfferCategory, OfferCategory.offer_id == HelpOffer.id)
        .where(
            HelpOffer.volunteer_id.in_(member_ids),
            HelpOffer.status == OfferStatus.ACTIVE,
            OfferCategory.category == category,
        )
    )
    for volunteer_id, slots in offers:
        found.setdefault(volunteer_id, set()).update(slots or [])
    return {k: sorted(v) for k, v in found.items()}


def _rank(
    help_request: HelpRequest, member: Member, offers: bool, skill: bool, live: int, offer_slots: list[str]
) -> Suggestion:
    reasons: list[Reason] = []
    if offers:
        reasons.append(Reason("offers_category", OFFERS_CATEGORY, {"category": help_request.category}))
    elif skill:
        reasons.append(Reason("has_skill", SKILL_ONLY, {"category": help_request.category}))
    if help_request.buurt_code and member.buurt_code == help_request.buurt_code:
        reasons.append(Reason("same_buurt", SAME_BUURT, {"buurt_code": member.buurt_code}))
    if help_request.preferred_slots:
        slots = offer_slots or member.availability
        shared = overlap(help_request.preferred_slots, slots)
        if shared:
            points = PER_SHARED_SLOT * min(shared, MAX_SHARED_SLOTS)
            reasons.append(Reason("shared_slots", points, {"slots": shared}))
        elif slots:
            reasons.append(Reason("no_shared_slot", NO_SHARED_SLOT))
    if live == 0:
        reasons.append(Reason("free_now", FREE_NOW))
    else:
        reasons.append(Reason("current_load", PER_LIVE_MATCH * live, {"live_matches": live}))
    return Suggestion(member, sum(r.points for r in reasons), reasons, live)
