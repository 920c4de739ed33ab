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

from sqlalchemy import func, or_, select, union, union_all

from federation.protocol.periods import PeriodError, local_day_bound, period_end, period_start
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferCategory, OfferStatusChange
from node.matching.models import Match
from node.members.models import Member
from node.sql import days_between, dialect_name, median_by, without_jit
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
    without_jit()
    rows = _rows(start, cutoff, category, buurt_code)
    medians = _waiting_median(start, cutoff, False, category, buurt_code)
    analysis.rows = _by_gap(rows)
    analysis.totals = _by_gap(_totals(rows, medians))
    return analysis


def _rows(start: datetime, end: datetime, category: str | None, buurt_code: str | None) -> list[NeedsRow]:
    rows: dict[tuple[str, str | None], NeedsRow] = {}

    def row(key: tuple[Any, ...]) -> NeedsRow:
        if key not in rows:
            rows[key] = NeedsRow(*key)
        return rows[key]

    for key, demand, matched in _request_flows(start, end, category, buurt_code):
        r = row(key)
        r.demand, r.matched = int(demand or 0), int(matched or 0)
    for key, waiting, oldest in _open_at(end, category, buurt_code):
        r = row(key)
        r.open_requests, r.oldest_waiting_days = int(waiting), _round(oldest)
    for key, median in _waiting_median(start, end, True, category, buurt_code):
        row(key).waiting_days_median = _round(median)
    for key, supply in _supply_at(end, category, buurt_code):
        row(key).supply = int(supply)
    for key, volunteers in _active_volunteers(start, end, category, buurt_code):
        row(key).active_volunteers = int(volunteers)
    return list(rows.values())


def _totals(rows: list[NeedsRow], medians: list[tuple[tuple[Any, ...], Any]]) -> list[NeedsRow]:
    """Per category over the whole node, from the rows per buurt.

    Every request counts in its own buurt and every offer and volunteer in the
    volunteer's, each in exactly one, so the counts add up; the oldest wait is
    the largest of the buurten's. Only the median needs a query of its own.
    """
    totals: dict[str, NeedsRow] = {}
    for r in rows:
        total = totals.setdefault(r.category, NeedsRow(r.category, None))
        total.demand += r.demand
        total.matched += r.matched
        total.open_requests += r.open_requests
        total.supply += r.supply
        total.active_volunteers += r.active_volunteers
        if r.oldest_waiting_days is not None:
            total.oldest_waiting_days = max(total.oldest_waiting_days or 0.0, r.oldest_waiting_days)
    for (cat,), median in medians:
        totals[cat].waiting_days_median = _round(median)
    return list(totals.values())


def _by_gap(rows: list[NeedsRow]) -> list[NeedsRow]:
    return sorted(rows, key=lambda r: (-r.gap, r.category, r.buurt_code or ""))


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


def _request_flows(start: datetime, end: datetime, category: str | None, buurt_code: str | None):
    """Requests received, and requests first matched, in the period (two index range scans)."""
    keys = _keys(HelpRequest.category, HelpRequest.buurt_code, True)
    group = [k.element for k in keys]
    received = (
        select(*keys, func.count().label("demand"), func.sum(0).label("matched"))
        .where(HelpRequest.created_at >= start, HelpRequest.created_at < end, *_request_filters(category, buurt_code))
        .group_by(*group)
    )
    matched = (
        select(*keys, func.sum(0).label("demand"), func.count().label("matched"))
        .where(HelpRequest.matched_at >= start, HelpRequest.matched_at < end, *_request_filters(category, buurt_code))
        .group_by(*group)
    )
    both = union_all(received, matched).subquery()
    stmt = select(both.c.category, both.c.buurt_code, func.sum(both.c.demand), func.sum(both.c.matched)).group_by(
        both.c.category, both.c.buurt_code
    )
    return _split(db.session.execute(stmt), 2)


def _open_at(end: datetime, category: str | None, buurt_code: str | None):
    """Requests created before `end` that had neither a match nor a close by then.

    Three disjoint range scans of `ix_help_requests_matched`: still waiting
    (no match, no close), closed unmatched after `end`, and matched after
    `end`. Each touches only requests that were open at `end` or resolved
    after it, where one condition on `created_at < end` would read nearly
    every request the node ever had.
    """
    columns = (HelpRequest.category, HelpRequest.buurt_code, HelpRequest.created_at)
    made_before = [HelpRequest.created_at < end, *_request_filters(category, buurt_code)]
    unmatched = HelpRequest.matched_at.is_(None)
    waiting = union_all(
        select(*columns).where(unmatched, HelpRequest.closed_at.is_(None), *made_before),
        select(*columns).where(unmatched, HelpRequest.closed_at >= end, *made_before),
        select(*columns).where(
            HelpRequest.matched_at >= end,
            or_(HelpRequest.closed_at.is_(None), HelpRequest.closed_at >= end),
            *made_before,
        ),
    ).subquery()
    group = [waiting.c.category, waiting.c.buurt_code]
    stmt = select(*group, func.count(), days_between(func.min(waiting.c.created_at), end)).group_by(*group)
    return _split(db.session.execute(stmt), 2)


def _waiting_median(start: datetime, end: datetime, by_buurt: bool, category: str | None, buurt_code: str | None):
    keys = _keys(HelpRequest.category, HelpRequest.buurt_code, by_buurt)
    values = select(*keys, days_between(HelpRequest.created_at, HelpRequest.matched_at).label("value")).where(
        HelpRequest.matched_at >= start, HelpRequest.matched_at < end, *_request_filters(category, buurt_code)
    )
    names = ["category", "buurt_code"] if by_buurt else ["category"]
    return _split(db.session.execute(median_by(values, names)), len(names))


def _supply_at(end: datetime, category: str | None, buurt_code: str | None):
    """Offers whose last status change before `end` made them active, by the volunteer's buurt."""
    last_status = (
        select(OfferStatusChange.status)
        .where(OfferStatusChange.offer_id == HelpOffer.id, OfferStatusChange.changed_at < end)
        .order_by(OfferStatusChange.changed_at.desc(), OfferStatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    keys = _keys(OfferCategory.category, Member.buurt_code, True)
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
    return _split(db.session.execute(stmt), 2)


def _active_volunteers(start: datetime, end: datetime, category: str | None, buurt_code: str | None):
    """Distinct volunteers who accepted a match or logged unpaid hours, per category and the volunteer's buurt.

    The UNION keeps each (category, volunteer) once before the members are
    looked up, so a volunteer with a hundred hours logged costs one lookup.
    """
    accepted = (
        select(HelpRequest.category.label("category"), Match.volunteer_id.label("volunteer_id"))
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(
            Match.responded_at >= start,
            Match.responded_at < end,
            Match.status.in_([MatchStatus.ACCEPTED.value, MatchStatus.COMPLETED.value, MatchStatus.WITHDRAWN.value]),
            *_request_filters(category, None),
        )
    )
    first_day, last_day = local_day_bound(start), local_day_bound(end)
    unpaid_in_period = [TimeLog.worked_on >= first_day, TimeLog.worked_on < last_day, TimeLog.paid.is_(False)]
    logged = select(TimeLog.match_id, TimeLog.member_id).where(*unpaid_in_period, TimeLog.match_id.is_not(None))
    if dialect_name() == "sqlite":
        # SQLite joins row by row. Each (match, volunteer) once and in match
        # order, finding the matches and their requests walks those tables in
        # order instead of jumping about for every hour logged: three times
        # faster. PostgreSQL hash-joins in parallel and is slower with it.
        logged = logged.group_by(TimeLog.match_id, TimeLog.member_id)
    logged = logged.subquery("logged")
    on_matches = (
        select(HelpRequest.category.label("category"), logged.c.member_id.label("volunteer_id"))
        .select_from(logged)
        .join(Match, Match.id == logged.c.match_id)
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(*_request_filters(category, None))
    )
    on_assignments = (
        select(Assignment.category.label("category"), TimeLog.member_id.label("volunteer_id"))
        .join(Assignment, Assignment.id == TimeLog.assignment_id)
        .where(*unpaid_in_period, *([Assignment.category == category] if category else []))
    )
    active = union(accepted, on_matches, on_assignments).subquery()
    stmt = (
        select(active.c.category, Member.buurt_code, func.count())
        .join(Member, Member.id == active.c.volunteer_id)
        .where(*([Member.buurt_code == buurt_code] if buurt_code else []))
        .group_by(active.c.category, Member.buurt_code)
    )
    return _split(db.session.execute(stmt), 2)
