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

from sqlalchemy import BigInteger, String, and_, case, cast, false, func, null, or_, select, true, union, union_all

from federation.protocol.periods import (
    PeriodError,
    local_day_bound,
    parse_period,
    period_end,
    period_of,
    period_start,
    previous_period,
)
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferCategory, OfferStatusChange
from node.matching.models import Match
from node.members.models import Member
from node.needs.activity import ALL_MONTHS, COUNTED_MATCH_STATUSES
from node.sql import days_between, grouping_in_index_order, hidden_from_index, plan_for_aggregation
from node.work.models import TimeLog, VolunteerActivity
from schemas.node.codes import OfferStatus, Role
from wijknet.errors import FieldError, InvalidInput
from wijknet.web.database import utcnow

MAX_MONTHS = 60
# A period holding more than this share of the node's history is counted by
# reading indexes whole in the order of the GROUP BY, skipping the rows outside
# it, rather than as index ranges whose rows must then be sorted (SQLite) or
# hashed (PostgreSQL): that costs several times as much per row as skipping
# one (measured on a million requests).
LONG_PERIOD_SHARE = 0.1


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
    plan_for_aggregation()
    period = _Period(start, cutoff, category, buurt_code, _is_long(start, cutoff))
    rows: dict[tuple[str, str | None], NeedsRow] = {}
    totals: dict[str, NeedsRow] = {}
    for whole, cat, buurt, matched, median in _matching(period):
        row = totals.setdefault(cat, NeedsRow(cat, None)) if whole else _row(rows, cat, buurt)
        row.matched, row.waiting_days_median = int(matched), _round(median)
    for (cat, buurt), demand in _received(period):
        _row(rows, cat, buurt).demand = int(demand)
    for (cat, buurt), waiting, oldest in _open_at(period):
        r = _row(rows, cat, buurt)
        r.open_requests, r.oldest_waiting_days = int(waiting), _round(oldest)
    for (cat, buurt), supply in _supply_at(period):
        _row(rows, cat, buurt).supply = int(supply)
    for (cat, buurt), volunteers in _active_volunteers(period):
        _row(rows, cat, buurt).active_volunteers = int(volunteers)
    analysis.rows = _by_gap(list(rows.values()))
    analysis.totals = _by_gap(_totals(analysis.rows, totals))
    return analysis


@dataclass(frozen=True)
class _Period:
    start: datetime
    end: datetime
    category: str | None
    buurt_code: str | None
    long: bool  # see LONG_PERIOD_SHARE

    def during(self, column: Any, start: Any = None, end: Any = None) -> list[Any]:
        """`column` in [start, end), the period's by default: an index range, or for a long period a filter."""
        bound = hidden_from_index(column) if self.long else column
        return [bound >= (start or self.start), bound < (end or self.end)]

    def requests(self) -> list[Any]:
        filters = []
        if self.category:
            filters.append(HelpRequest.category == self.category)
        if self.buurt_code:
            filters.append(HelpRequest.buurt_code == self.buurt_code)
        return filters


def _is_long(start: datetime, end: datetime) -> bool:
    first = db.session.scalar(select(func.min(HelpRequest.created_at)))
    if first is None or first >= start:
        return True
    return (end - start) / (end - first) > LONG_PERIOD_SHARE


def _row(rows: dict[tuple[str, str | None], NeedsRow], category: str, buurt_code: str | None) -> NeedsRow:
    key = (category, buurt_code)
    if key not in rows:
        rows[key] = NeedsRow(category, buurt_code)
    return rows[key]


def _totals(rows: list[NeedsRow], totals: dict[str, NeedsRow]) -> list[NeedsRow]:
    """Per category over the whole node, from the rows per buurt.

    Every request counts in its own buurt and every offer and volunteer in the
    volunteer's, each in exactly one, so the counts add up; the oldest wait is
    the largest of the buurten's. The median and the matched requests come
    with `_matching`, which works them out per category as well.
    """
    for r in rows:
        total = totals.setdefault(r.category, NeedsRow(r.category, None))
        total.demand += r.demand
        total.open_requests += r.open_requests
        total.supply += r.supply
        total.active_volunteers += r.active_volunteers
        if r.oldest_waiting_days is not None:
            total.oldest_waiting_days = max(total.oldest_waiting_days or 0.0, r.oldest_waiting_days)
    return list(totals.values())


def _by_gap(rows: list[NeedsRow]) -> list[NeedsRow]:
    return sorted(rows, key=lambda r: (-r.gap, r.category, r.buurt_code or ""))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _split(result: Any, nkeys: int) -> list[tuple[tuple[Any, ...], ...]]:
    return [(tuple(r[:nkeys]), *r[nkeys:]) for r in result]


def _received(period: _Period):
    """Requests received in the period (`ix_help_requests_created`; for a long period `ix_help_requests_category`)."""
    keys = (HelpRequest.category, HelpRequest.buurt_code)
    stmt = select(*keys, func.count()).where(*period.during(HelpRequest.created_at), *period.requests()).group_by(*keys)
    return _split(db.session.execute(stmt), 2)


def _matching(period: _Period) -> list[tuple[bool, str, str | None, int, float]]:
    """Requests first matched in the period, and the median of their waiting days, per buurt and per category.

    Rows of (whole, category, buurt_code, matched, median): `whole` for a
    category over the node. The median is exact without sorting every
    waiting time of the period: the requests are counted per whole hour they
    waited (a range of `ix_help_requests_matched`; for a long period all of
    `ix_help_requests_waiting`, which holds them in that order); running
    totals over those few thousand counts find the hour holding the middle
    request (or the two middle ones) and its rank within the hour; only the
    requests of those hours are then read with their exact waiting time
    (`ix_help_requests_waiting` again, by category and hour) to pick it.
    """
    hr = HelpRequest
    counts = (
        select(hr.category, hr.buurt_code, hr.waiting_hours.label("hours"), func.count().label("n"))
        .where(*period.during(hr.matched_at), *period.requests())
        .group_by(hr.category, hr.waiting_hours, hr.buurt_code)
        .cte("counts")
    )
    buckets = union_all(
        select(false().label("whole"), counts.c.category, counts.c.buurt_code, counts.c.hours, counts.c.n),
        select(
            true(), counts.c.category, cast(null(), String), counts.c.hours, cast(func.sum(counts.c.n), BigInteger)
        ).group_by(counts.c.category, counts.c.hours),
    ).subquery("buckets")
    group = [buckets.c.whole, buckets.c.category, buckets.c.buurt_code]

    def running(frame: tuple[int | None, int | None]) -> Any:
        # One window for both sums, so that it is sorted once.
        return cast(func.sum(buckets.c.n).over(partition_by=group, order_by=buckets.c.hours, rows=frame), BigInteger)

    ranked = select(
        *group, buckets.c.hours, buckets.c.n, running((None, 0)).label("upto"), running((None, None)).label("total")
    ).subquery("ranked")
    low, high = (ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2  # the middle ranks, the same for an odd count
    middle = (
        select(
            ranked.c.whole,
            ranked.c.category,
            ranked.c.buurt_code,
            ranked.c.hours,
            ranked.c.total,
            (ranked.c.upto - ranked.c.n).label("before"),
        )
        .where(ranked.c.upto - ranked.c.n < high, ranked.c.upto >= low)
        .cte("middle")
    )
    # The requests of each middle hour, looked up by category and hour (SQLite must not read the
    # period's range instead), numbered by their exact waiting time.
    days = days_between(hr.created_at, hr.matched_at)
    exact = _Period(period.start, period.end, period.category, period.buurt_code, long=True)
    bucket = [middle.c.whole, middle.c.category, middle.c.buurt_code, middle.c.hours]
    waits = (
        select(
            middle.c.whole,
            middle.c.category,
            middle.c.buurt_code,
            middle.c.total,
            (middle.c.before + func.row_number().over(partition_by=bucket, order_by=days)).label("rank"),
            days.label("days"),
        )
        .select_from(middle)
        .join(
            hr,
            and_(
                hr.category == middle.c.category,
                hr.waiting_hours == middle.c.hours,
                or_(middle.c.whole, hr.buurt_code.is_not_distinct_from(middle.c.buurt_code)),
            ),
        )
        .where(*exact.during(hr.matched_at), *period.requests())
        .subquery("waits")
    )
    picked = (
        select(waits.c.whole, waits.c.category, waits.c.buurt_code, waits.c.total, func.avg(waits.c.days))
        .where(waits.c.rank >= (waits.c.total + 1) // 2, waits.c.rank <= (waits.c.total + 2) // 2)
        .group_by(waits.c.whole, waits.c.category, waits.c.buurt_code, waits.c.total)
    )
    if not period.long:
        return db.session.execute(picked).all()
    with grouping_in_index_order():
        return db.session.execute(picked).all()


def _open_at(period: _Period):
    """Requests created before the end that had neither a match nor a close by then.

    Three disjoint range scans of `ix_help_requests_matched`: still waiting
    (no match, no close), closed unmatched after the end, and matched after
    it. Each touches only requests that were open at the end or resolved
    after it, where one condition on `created_at < end` would read nearly
    every request the node ever had.
    """
    end = period.end
    columns = (HelpRequest.category, HelpRequest.buurt_code, HelpRequest.created_at)
    made_before = [HelpRequest.created_at < end, *period.requests()]
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


def _supply_at(period: _Period):
    """Offers whose last status change before the end made them active, by the volunteer's buurt."""
    last_status = (
        select(OfferStatusChange.status)
        .where(OfferStatusChange.offer_id == HelpOffer.id, OfferStatusChange.changed_at < period.end)
        .order_by(OfferStatusChange.changed_at.desc(), OfferStatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    keys = (OfferCategory.category, Member.buurt_code)
    filters = [last_status == OfferStatus.ACTIVE.value]
    if period.category:
        filters.append(OfferCategory.category == period.category)
    if period.buurt_code:
        filters.append(Member.buurt_code == period.buurt_code)
    stmt = (
        select(*keys, func.count())
        .select_from(HelpOffer)
        .join(OfferCategory, OfferCategory.offer_id == HelpOffer.id)
        .join(Member, Member.id == HelpOffer.volunteer_id)
        .where(HelpOffer.created_at < period.end, *filters)
        .group_by(*keys)
    )
    return _split(db.session.execute(stmt), 2)


def _active_volunteers(period: _Period):
    """Distinct volunteers who accepted a match or logged unpaid hours, per category and the volunteer's buurt.

    The whole months of the period come from `VolunteerActivity` (a row per
    volunteer, category and year, with a bit for each month they were
    active), read whole in (category, volunteer) order; a month in progress
    at the end, from the matches and hours themselves (index ranges of
    `ix_matches_responded` and `ix_time_logs_worked`). Each (category,
    volunteer) is kept once before the members are looked up.
    """
    months, rest = _whole_months(period)
    parts = []
    if months:
        va = VolunteerActivity
        (first_year, first_month), (last_year, last_month) = (parse_period(p) for p in months)

        def bits(first: int, last: int) -> int:
            return sum(1 << (m - 1) for m in range(first, last + 1))

        in_period = case(
            (va.year == first_year, bits(first_month, last_month if last_year == first_year else 12)),
            (va.year == last_year, bits(1, last_month)),
            else_=ALL_MONTHS,
        )
        parts.append(
            select(va.category, va.member_id.label("volunteer_id"))
            .where(
                va.year >= first_year,
                va.year <= last_year,
                va.months.op("&")(in_period) != 0,
                *([va.category == period.category] if period.category else []),
            )
            .group_by(va.category, va.member_id)
        )
    if rest is not None:
        start, end = rest
        parts.append(
            select(Match.category, Match.volunteer_id.label("volunteer_id"))
            .where(
                Match.responded_at >= start,
                Match.responded_at < end,
                Match.status.in_(COUNTED_MATCH_STATUSES),
                *([Match.category == period.category] if period.category else []),
            )
            .group_by(Match.category, Match.volunteer_id)
        )
        parts.append(
            select(TimeLog.category, TimeLog.member_id.label("volunteer_id"))
            .where(
                TimeLog.worked_on >= local_day_bound(start),
                TimeLog.worked_on < local_day_bound(end),
                TimeLog.paid.is_(False),
                *([TimeLog.category == period.category] if period.category else []),
            )
            .group_by(TimeLog.category, TimeLog.member_id)
        )
    if not parts:
        return []
    active = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    stmt = (
        select(active.c.category, Member.buurt_code, func.count())
        .join(Member, Member.id == active.c.volunteer_id)
        .where(*([Member.buurt_code == period.buurt_code] if period.buurt_code else []))
        .group_by(active.c.category, Member.buurt_code)
    )
    return _split(db.session.execute(stmt), 2)


def _whole_months(period: _Period) -> tuple[tuple[str, str] | None, tuple[datetime, datetime] | None]:
    """The whole months of the period (first, last), and the part of a month after them (from, to)."""
    first, current = period_of(period.start), period_of(period.end)
    last = previous_period(current)
    whole = (first, last) if last >= first else None  # "2026-09" < "2026-10": months compare as text
    rest_start = max(period.start, period_start(current))
    rest = (rest_start, period.end) if rest_start < period.end else None
    return whole, rest
