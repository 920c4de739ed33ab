"""The needs analysis, computed in SQL.

For a span of months and per category and buurt (and per category over the
whole node):

- demand: requests received in the period;
- matched: requests that got their first accepted match in the period;
- open_requests: requests still waiting for a match at the end of the period;
- waiting_days_median: median days from request to first match, over the
  requests matched in the period;
- oldest_waiting_days: how long the longest-waiting open request had waited;
- supply: help offers active at the end of the period, by the volunteer's buurt;
- active_volunteers: distinct volunteers who accepted a match or logged unpaid
  hours in the category in the period;
- gap: open_requests minus supply. Above zero, more requests wait than there
  are offers to answer them: the neighbourhood needs more hands there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, union_all

from federation.protocol.periods import PeriodError, local_day_bound, period_end, period_start
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferCategory, OfferStatusChange
from node.matching.models import Match
from node.members.models import Member
from node.sql import days_between, median_by
from node.work.models import Assignment, TimeLog
from schemas.node.codes import MatchStatus, OfferStatus, Role
from wijknet.errors import FieldError, InvalidInput
from wijknet.web.database import utcnow

MAX_MONTHS = 60


@dataclass
class NeedsRow:
    category: str
    buurt_code: str | None  # None: the whole node (in totals), or no buurt known (in rows)
    demand: int = 0
    matched: int = 0
    open_requests: int = 0
    waiting_days_median: float | None = None
    oldest_waiting_days: float | None = None
    supply: int = 0
    active_volunteers: int = 0

    @property
    def gap(self) -> int:
        return self.open_requests - self.supply


@dataclass
class NeedsAnalysis:
    period_from: str
    period_to: str
    start: datetime
    end: datetime
    rows: list[NeedsRow] = field(default_factory=list)
    totals: list[NeedsRow] = field(default_factory=list)


def needs_analysis(
    actor: Actor,
    period_from: str,
    period_to: str,
    *,
    category: str | None = None,
    buurt_code: str | None = None,
    now: datetime | None = None,
) -> NeedsAnalysis:
    """The analysis over the months `period_from` to `period_to` (inclusive)."""
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    try:
        start, end = period_start(period_from), period_end(period_to)
    except PeriodError as exc:
        raise InvalidInput("Choose months like 2026-10.", [FieldError("period_from", str(exc))]) from None
    if start >= end:
        raise InvalidInput("The period ends before it starts.", [FieldError("period_to", "Before period_from.")])
    if (end - start).days > MAX_MONTHS * 31:
        raise InvalidInput(f"Choose at most {MAX_MONTHS} months.", [FieldError("period_to", "Too long a period.")])
    # A period that has not ended yet is measured up to now.
    cutoff = min(end, now or utcnow())
    analysis = NeedsAnalysis(period_from, period_to, start, end)
    analysis.rows = _compute(start, cutoff, by_buurt=True, category=category, buurt_code=buurt_code)
    analysis.totals = _compute(start, cutoff, by_buurt=False, category=category, buurt_code=buurt_code)
    return analysis


def _compute(
    start: datetime, end: datetime, *, by_buurt: bool, category: str | None, buurt_code: str | None
) -> list[NeedsRow]:
    rows: dict[tuple[str, str | None], NeedsRow] = {}

    def row(key: tuple[Any, ...]) -> NeedsRow:
        cat, buurt = key[0], (key[1] if by_buurt else None)
        if (cat, buurt) not in rows:
            rows[(cat, buurt)] = NeedsRow(cat, buurt)
        return rows[(cat, buurt)]

    for key, demand, matched in _request_flows(start, end, by_buurt, category, buurt_code):
        r = row(key)
        r.demand, r.matched = int(demand or 0), int(matched or 0)
    for key, waiting, oldest in _open_at(end, by_buurt, category, buurt_code):
        r = row(key)
        r.open_requests, r.oldest_waiting_days = int(waiting), _round(oldest)
    for key, median in _waiting_median(start, end, by_buurt, category, buurt_code):
        row(key).waiting_days_median = _round(median)
    for key, supply in _supply_at(end, by_buurt, category, buurt_code):
        row(key).supply = int(supply)
    for key, volunteers in _active_volunteers(start, end, by_buurt, category, buurt_code):
        row(key).active_volunteers = int(volunteers)
    return sorted(rows.values(), key=lambda r: (-r.gap, r.category, r.buurt_code or ""))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _keys(category_col: Any, buurt_col: Any, by_buurt: bool) -> list[Any]:
    return (
        [category_col.label("category"), buurt_col.label("buurt_code")]
        if by_buurt
        else [category_col.label("category")]
    )


def _request_filters(category: str | None, buurt_code: str | None) -> list[Any]:
    filters = []
    if category:
        filters.append(HelpRequest.category == category)
    if buurt_code:
        filters.append(HelpRequest.buurt_code == buurt_code)
    return filters


def _split(result: Any, nkeys: int) -> list[tuple[tuple[Any, ...], ...]]:
    return [(tuple(r[:nkeys]), *r[nkeys:]) for r in result]


def _request_flows(start: datetime, end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    """Requests received, and requests first matched, in the period (two index range scans)."""
    keys = _keys(HelpRequest.category, HelpRequest.buurt_code, by_buurt)
    received = (
        select(*keys, func.count().label("demand"), func.sum(0).label("matched"))
        .where(HelpRequest.created_at >= start, HelpRequest.created_at < end, *_request_filters(category, buurt_code))
        .group_by(*[k.element for k in keys])
    )
    matched = (
        select(*keys, func.sum(0).label("demand"), func.count().label("matched"))
        .where(HelpRequest.matched_at >= start, HelpRequest.matched_at < end, *_request_filters(category, buurt_code))
        .group_by(*[k.element for k in keys])
    )
    both = union_all(received, matched).subquery()
    group = [both.c.category, both.c.buurt_code] if by_buurt else [both.c.category]
    stmt = select(*group, func.sum(both.c.demand), func.sum(both.c.matched)).group_by(*group)
    return _split(db.session.execute(stmt), len(group))


def _open_at(end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    """Requests created before `end` that had neither a match nor a close by then."""
    keys = _keys(HelpRequest.category, HelpRequest.buurt_code, by_buurt)
    stmt = (
        select(*keys, func.count(), func.max(days_between(HelpRequest.created_at, end)))
        .where(
            or_(HelpRequest.closed_at.is_(None), HelpRequest.closed_at >= end),
            HelpRequest.created_at < end,
            or_(HelpRequest.matched_at.is_(None), HelpRequest.matched_at >= end),
            *_request_filters(category, buurt_code),
        )
        .group_by(*[k.element for k in keys])
    )
    return _split(db.session.execute(stmt), len(keys))


def _waiting_median(start: datetime, end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    keys = _keys(HelpRequest.category, HelpRequest.buurt_code, by_buurt)
    values = select(*keys, days_between(HelpRequest.created_at, HelpRequest.matched_at).label("value")).where(
        HelpRequest.matched_at >= start, HelpRequest.matched_at < end, *_request_filters(category, buurt_code)
    )
    names = ["category", "buurt_code"] if by_buurt else ["category"]
    return _split(db.session.execute(median_by(values, names)), len(names))


def _supply_at(end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    """Offers whose last status change before `end` made them active, by the volunteer's buurt."""
    last_status = (
        select(OfferStatusChange.status)
        .where(OfferStatusChange.offer_id == HelpOffer.id, OfferStatusChange.changed_at < end)
        .order_by(OfferStatusChange.changed_at.desc(), OfferStatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    keys = _keys(OfferCategory.category, Member.buurt_code, by_buurt)
    filters = [last_status == OfferStatus.ACTIVE.value]
    if category:
        filters.append(OfferCategory.category == category)
    if buurt_code:
        filters.append(Member.buurt_code == buurt_code)
    stmt = (
        select(*keys, func.count())
        .select_from(HelpOffer)
        .join(OfferCategory, OfferCategory.offer_id == HelpOffer.id)
        .join(Member, Member.id == HelpOffer.volunteer_id)
        .where(HelpOffer.created_at < end, *filters)
        .group_by(*[k.element for k in keys])
    )
    return _split(db.session.execute(stmt), len(keys))


def _active_volunteers(start: datetime, end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    """Distinct volunteers who accepted a match or logged unpaid hours, per category."""
    accepted = (
        select(HelpRequest.category.label("category"), Match.volunteer_id.label("volunteer_id"))
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(
            Match.responded_at >= start,
            Match.responded_at < end,
            Match.status.in_([MatchStatus.ACCEPTED.value, MatchStatus.COMPLETED.value, MatchStatus.WITHDRAWN.value]),
        )
    )
    first_day, last_day = local_day_bound(start), local_day_bound(end)
    on_matches = (
        select(HelpRequest.category.label("category"), TimeLog.member_id.label("volunteer_id"))
        .join(Match, Match.id == TimeLog.match_id)
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(TimeLog.worked_on >= first_day, TimeLog.worked_on < last_day, TimeLog.paid.is_(False))
    )
    on_assignments = (
        select(Assignment.category.label("category"), TimeLog.member_id.label("volunteer_id"))
        .join(Assignment, Assignment.id == TimeLog.assignment_id)
        .where(TimeLog.worked_on >= first_day, TimeLog.worked_on < last_day, TimeLog.paid.is_(False))
    )
    active = union_all(accepted, on_matches, on_assignments).subquery()
    keys = _keys(active.c.category, Member.buurt_code, by_buurt)
    filters = []
    if category:
        filters.append(active.c.category == category)
    if buurt_code:
        filters.append(Member.buurt_code == buurt_code)
    stmt = (
        select(*keys, func.count(func.distinct(active.c.volunteer_id)))
        .join(Member, Member.id == active.c.volunteer_id)
        .where(*filters)
        .group_by(*[k.element for k in keys])
    )
    return _split(db.session.execute(stmt), len(keys))
