"""The node's monthly figures for every metric of the code list, computed in SQL (spec section 9).

Each metric is a set of *facts* -- one row per request, offer, member, hour
logged -- tied to the months it counts in by a join against a small table of
month bounds. The bounds are UTC instants (and local dates) computed once,
so each month is an index range scan on the stored column; deriving the
month from each row with a function would defeat the index. The facts are
then counted (distinct), summed or given a median four ways: per category
and buurt, per category, per buurt, and in all, which gives the `_all`
figures and the wijk's without adding anything up in Python (a volunteer
active in two categories is one volunteer in `_all`).

Areas: a row counts in the node's wijk, and in its buurt when that is one of
the node's buurten. Which buurt: a request's or activity's own; for offers,
volunteers and hours, the volunteer's (where the hands live).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, String, and_, func, literal, null, or_, select, union_all
from sqlalchemy.sql import ColumnElement, Select, Subquery

from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRICS, Metric
from federation.protocol.disclosure import Cell
from federation.protocol.periods import next_period, parse_period, period_end, period_start
from node.activities.models import Activity
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, OfferCategory, OfferStatusChange
from node.matching.models import Match
from node.members.models import Member
from node.sql import days_between, median_by
from node.work.models import Assignment, Invoice, TimeLog
from schemas.node.codes import AssignmentStatus, MatchStatus, OfferStatus, RequestStatus
from wijknet.web.database import UTCDateTime

Measure = str  # "count", "sum" or "median"


@dataclass(frozen=True)
class Areas:
    wijk: str
    buurten: frozenset[str]


@dataclass(frozen=True)
class FactSpec:
    """How one metric is measured: its facts (period, category, buurt, key, amount) and the measure."""

    facts: Callable[[Subquery], Select[Any]]
    measure: Measure


def _months(periods: list[str]) -> Subquery:
    """The months as rows: period, first and next-first instant (UTC), first and next-first local day.

    A UNION ALL of one-row SELECTs rather than VALUES: SQLite cannot name a
    VALUES list's columns.
    """
    rows = [
        select(
            literal(p, String(7)).label("period"),
            literal(period_start(p), UTCDateTime()).label("start"),
            literal(period_end(p), UTCDateTime()).label("end"),
            literal(_first_day(p), Date()).label("first_day"),
            literal(_first_day(next_period(p)), Date()).label("next_day"),
        )
        for p in periods
    ]
    return union_all(*rows).subquery("m") if len(rows) > 1 else rows[0].subquery("m")


def _first_day(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, 1)


def _facts(m: Subquery, category: Any, buurt: Any, key: Any, amount: Any = None) -> list[Any]:
    return [
        m.c.period.label("period"),
        category.label("category"),
        buurt.label("buurt"),
        key.label("key"),
        (amount if amount is not None else null()).label("amount"),
    ]


def _all() -> ColumnElement[str]:
    return literal(ALL_CATEGORIES, String)


# --- the facts of each metric ---------------------------------------------------------------------


def members_total(m: Subquery) -> Select[Any]:
    return select(*_facts(m, _all(), Member.buurt_code, Member.id)).join(
        Member,
        and_(Member.joined_on < m.c.next_day, or_(Member.left_on.is_(None), Member.left_on >= m.c.next_day)),
    )


def members_new(m: Subquery) -> Select[Any]:
    return select(*_facts(m, _all(), Member.buurt_code, Member.id)).join(
        Member, and_(Member.joined_on >= m.c.first_day, Member.joined_on < m.c.next_day)
    )


def _requests_where(m: Subquery, *conditions: Any) -> Select[Any]:
    return select(*_facts(m, HelpRequest.category, HelpRequest.buurt_code, HelpRequest.id)).join(
        HelpRequest, and_(*conditions)
    )


def requests_new(m: Subquery) -> Select[Any]:
    return _requests_where(m, HelpRequest.created_at >= m.c.start, HelpRequest.created_at < m.c.end)


def requests_matched(m: Subquery) -> Select[Any]:
    return _requests_where(m, HelpRequest.matched_at >= m.c.start, HelpRequest.matched_at < m.c.end)


def days_to_match(m: Subquery) -> Select[Any]:
    return select(
        *_facts(
            m,
            HelpRequest.category,
            HelpRequest.buurt_code,
            HelpRequest.id,
            days_between(HelpRequest.created_at, HelpRequest.matched_at),
        )
    ).join(HelpRequest, and_(HelpRequest.matched_at >= m.c.start, HelpRequest.matched_at < m.c.end))


def requests_done(m: Subquery) -> Select[Any]:
    return _requests_where(
        m, HelpRequest.closed_at >= m.c.start, HelpRequest.closed_at < m.c.end, HelpRequest.status == RequestStatus.DONE
    )


def requests_referred(m: Subquery) -> Select[Any]:
    return _requests_where(
        m,
        HelpRequest.closed_at >= m.c.start,
        HelpRequest.closed_at < m.c.end,
        HelpRequest.status == RequestStatus.REFERRED,
    )


def requests_open_end(m: Subquery) -> Select[Any]:
    """Still waiting for a first match at the end of the month, and not closed by then."""
    return _requests_where(
        m,
        HelpRequest.created_at < m.c.end,
        or_(HelpRequest.matched_at.is_(None), HelpRequest.matched_at >= m.c.end),
        or_(HelpRequest.closed_at.is_(None), HelpRequest.closed_at >= m.c.end),
    )


def offers_active(m: Subquery) -> Select[Any]:
    """Offers whose last status change before the month's end made them active."""
    last_status = (
        select(OfferStatusChange.status)
        .where(OfferStatusChange.offer_id == HelpOffer.id, OfferStatusChange.changed_at < m.c.end)
        .order_by(OfferStatusChange.changed_at.desc(), OfferStatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(*_facts(m, OfferCategory.category, Member.buurt_code, HelpOffer.id))
        .join(HelpOffer, HelpOffer.created_at < m.c.end)
        .join(OfferCategory, OfferCategory.offer_id == HelpOffer.id)
        .join(Member, Member.id == HelpOffer.volunteer_id)
        .where(last_status == OfferStatus.ACTIVE.value)
    )


def volunteers_active(m: Subquery) -> Select[Any]:
    """Volunteers who accepted a match in the month, or logged unpaid hours in it."""
    accepted = (
        select(*_facts(m, Match.category, Member.buurt_code, Match.volunteer_id))
        .join(Match, and_(Match.responded_at >= m.c.start, Match.responded_at < m.c.end))
        .join(Member, Member.id == Match.volunteer_id)
        .where(Match.status.in_([MatchStatus.ACCEPTED, MatchStatus.COMPLETED, MatchStatus.WITHDRAWN]))
    )
    return union_all(accepted, _hours(m, paid=False, amounts=False))


def _hours(m: Subquery, *, paid: bool, amounts: bool = True) -> Select[Any]:
    """Hours logged in the month, under their category (a match's request's, or the assignment's)."""
    in_month = and_(TimeLog.worked_on >= m.c.first_day, TimeLog.worked_on < m.c.next_day, TimeLog.paid.is_(paid))
    amount = TimeLog.hours if amounts else None
    return (
        select(*_facts(m, TimeLog.category, Member.buurt_code, TimeLog.member_id, amount))
        .join(TimeLog, in_month)
        .join(Member, Member.id == TimeLog.member_id)
    )


def volunteer_hours(m: Subquery) -> Select[Any]:
    return _hours(m, paid=False)


def paid_hours(m: Subquery) -> Select[Any]:
    return _hours(m, paid=True)


def assignments_active(m: Subquery) -> Select[Any]:
    """Running at the end of the month by their dates; a cancelled one without an end date never ran."""
    return select(*_facts(m, Assignment.category, Assignment.buurt_code, Assignment.id)).join(
        Assignment,
        and_(
            Assignment.starts_on < m.c.next_day,
            or_(Assignment.ends_on.is_(None), Assignment.ends_on >= m.c.next_day),
            or_(Assignment.status != AssignmentStatus.CANCELLED, Assignment.ends_on.is_not(None)),
        ),
    )


def assignment_revenue(m: Subquery) -> Select[Any]:
    return (
        select(*_facts(m, Assignment.category, Assignment.buurt_code, Invoice.id, Invoice.amount_eur))
        .join(Invoice, and_(Invoice.invoiced_on >= m.c.first_day, Invoice.invoiced_on < m.c.next_day))
        .join(Assignment, Assignment.id == Invoice.assignment_id)
    )


def _activities(m: Subquery, amount: Any = None) -> Select[Any]:
    return select(*_facts(m, Activity.category, Activity.buurt_code, Activity.id, amount)).join(
        Activity, and_(Activity.held_on >= m.c.first_day, Activity.held_on < m.c.next_day)
    )


def activities_held(m: Subquery) -> Select[Any]:
    return _activities(m)


def activity_participants(m: Subquery) -> Select[Any]:
    return _activities(m, Activity.participants)


SPECS: dict[str, FactSpec] = {
    "members_total": FactSpec(members_total, "count"),
    "members_new": FactSpec(members_new, "count"),
    "requests_new": FactSpec(requests_new, "count"),
    "requests_matched": FactSpec(requests_matched, "count"),
    "requests_done": FactSpec(requests_done, "count"),
    "requests_referred": FactSpec(requests_referred, "count"),
    "requests_open_end": FactSpec(requests_open_end, "count"),
    "days_to_match_median": FactSpec(days_to_match, "median"),
    "offers_active": FactSpec(offers_active, "count"),
    "volunteers_active": FactSpec(volunteers_active, "count"),
    "volunteer_hours": FactSpec(volunteer_hours, "sum"),
    "paid_hours": FactSpec(paid_hours, "sum"),
    "assignments_active": FactSpec(assignments_active, "count"),
    "assignment_revenue_eur": FactSpec(assignment_revenue, "sum"),
    "activities_held": FactSpec(activities_held, "count"),
    "activity_participants": FactSpec(activity_participants, "sum"),
}


# --- aggregation ------------------------------------------------------------------------------------

Key = tuple[str, str, str]  # (period, category, buurt or "" for the whole wijk)
Measured = dict[Key, tuple[Any, int]]  # value and basis (the distinct keys behind it)


def _measure(facts: Subquery, measure: Measure, by_category: bool, by_buurt: bool) -> Measured:
    groups = [facts.c.period]
    if by_category:
        groups.append(facts.c.category)
    if by_buurt:
        groups.append(facts.c.buurt)
    basis = func.count(func.distinct(facts.c.key))
    if measure == "median":
        names = [g.name for g in groups]
        rows = db.session.execute(median_by(select(*groups, facts.c.amount.label("value")), names)).all()
        counts = {tuple(r[:-1]): r[-1] for r in db.session.execute(select(*groups, basis).group_by(*groups))}
        found = {tuple(r[:-1]): (r[-1], counts.get(tuple(r[:-1]), 0)) for r in rows}
    else:
        value = basis if measure == "count" else func.sum(facts.c.amount)
        found = {
            tuple(r[:-2]): (r[-2], r[-1]) for r in db.session.execute(select(*groups, value, basis).group_by(*groups))
        }
    measured: Measured = {}
    for group, result in found.items():
        period = group[0]
        category = group[1] if by_category else ALL_CATEGORIES
        buurt = group[-1] if by_buurt else ""
        if by_buurt and not buurt:
            continue  # rows without a buurt count in the wijk only
        measured[(period, category, buurt)] = result
    return measured


def compute_cells(periods: list[str], areas: Areas) -> dict[str, list[Cell]]:
    """Every figure of every period before disclosure control: the full grid, zeros included."""
    if not periods:
        return {}
    months = _months(periods)
    grid: dict[str, list[Cell]] = {p: [] for p in periods}
    for metric in METRICS:
        spec = SPECS[metric.code]
        facts = spec.facts(months).subquery("facts")
        by_category = (True, False) if metric.per_category else (False,)
        groupings = [(c, b) for c in by_category for b in (True, False)]
        measured: Measured = {}
        for by_category, by_buurt in groupings:
            measured.update(_measure(facts, spec.measure, by_category, by_buurt))
        for period in periods:
            grid[period].extend(_cells(metric, spec.measure, period, areas, measured))
    return grid


def _cells(metric: Metric, measure: Measure, period: str, areas: Areas, measured: Measured) -> list[Cell]:
    categories = [*CATEGORY_CODES, ALL_CATEGORIES] if metric.per_category else [ALL_CATEGORIES]
    cells = []
    for area, buurt in [(areas.wijk, ""), *((b, b) for b in sorted(areas.buurten))]:
        for category in categories:
            value, basis = measured.get((period, category, buurt), (None, 0))
            cells.append(Cell(area, category, metric.code, _published(metric, measure, value), basis))
    return cells


def _published(metric: Metric, measure: Measure, value: Any) -> int | float | Decimal | None:
    """The value as a figure: counts whole, money and hours exact, the median to one decimal."""
    if measure == "median":
        return None if value is None else round(float(value), 1)
    if value is None:
        return 0
    if metric.whole:
        return int(value)
    return Decimal(value).quantize(Decimal("0.01"))
