"""Needs and gaps per wijk and category: demand, open requests, waiting times, supply, volunteers and the gap.

The gap is the open requests at the period's end minus the active offers.
Both may be lower bounds (suppressed cells, missing reports), and then the
gap is only known in one direction, or not at all: `Gap.bound` says which.
Waiting times are the nodes' monthly medians as they were reported: the
median of those medians is not the median waiting time of the wijk, so
they are shown as a range and per node, never combined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from federation.hub.areas.services import areas_by_code, children_of, population_of
from federation.hub.dashboards.coverage import NodeSpan, spans_serving
from federation.hub.dashboards.key_figures import rate_of
from federation.hub.dashboards.selection import AreaKind, AreaSelection, PeriodSelection, Scope, check_category
from federation.hub.dashboards.sources import (
    StatisticCell,
    figures_condition,
    from_millionths,
    statistic_cells,
    wijk_totals_condition,
)
from federation.hub.dashboards.targets import AreaView, Reporting, Target, resolve
from federation.hub.extensions import db
from federation.hub.figures.models import FigureTotal
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRIC_BY_CODE
from federation.protocol.combine import Total, Unavailable, largest_month, not_available, of_sum
from wijknet.errors import FieldError, InvalidInput
from wijknet.web.database import utcnow

DEMAND, OPEN, SUPPLY, VOLUNTEERS, WAITING = (
    "requests_new",
    "requests_open_end",
    "offers_active",
    "volunteers_active",
    "days_to_match_median",
)
LARGEST_UNMET = 5
AREAS = (AreaKind.CITY, AreaKind.MUNICIPALITY, AreaKind.WIJK)  # what needs and gaps are shown for
WAITING_NOTE = (
    "Waiting times are each node's monthly median as reported; the median of these medians is not the "
    "median waiting time of the wijk or the city, so they are shown as a range and per node."
)


class GapBound(StrEnum):
    EXACT = "exact"
    AT_LEAST = "at_least"  # open requests are a lower bound, supply is exact: the gap is at least this
    AT_MOST = "at_most"  # supply is a lower bound, open requests exact: the gap is at most this
    UNKNOWN = "unknown"  # both are lower bounds: the difference of the two says nothing for sure


@dataclass(frozen=True)
class Gap:
    """Open requests at the period's end minus active offers; None when either is not available."""

    value: Decimal | None
    bound: GapBound | None

    @property
    def uncertain(self) -> bool:
        return self.bound != GapBound.EXACT


def gap_of(open_requests: Total, supply: Total) -> Gap:
    if open_requests.value is None or supply.value is None:
        return Gap(None, None)
    value = open_requests.value - supply.value
    bound = {
        (False, False): GapBound.EXACT,
        (True, False): GapBound.AT_LEAST,
        (False, True): GapBound.AT_MOST,
        (True, True): GapBound.UNKNOWN,
    }[(open_requests.lower_bound, supply.lower_bound)]
    return Gap(value, bound)


@dataclass(frozen=True)
class WaitingTimes:
    """The range of the nodes' reported monthly medians (days to a match) in the wijk; never one combined median."""

    lowest: Decimal | None
    highest: Decimal | None
    reported: int  # published node-month medians
    suppressed: int  # withheld: too few matches behind them


@dataclass(frozen=True)
class NeedRow:
    wijk: str
    name: str | None
    category: str  # `_all` or a category code
    demand: Total  # new requests over the period (flow)
    demand_per_1000: Total | None
    open_requests: Total  # open at the period's end (stock)
    supply: Total  # active offers at the period's end (stock)
    volunteers: Total  # active volunteers (distinct: over months, the largest month's, "≥")
    waiting: WaitingTimes
    gap: Gap


class Silence(StrEnum):
    NO_NODE = "no_node"  # no cooperative is registered for (part of) the wijk
    NOTHING_REPORTED = "nothing_reported"  # registered nodes sent nothing for the period


@dataclass(frozen=True)
class SilentWijk:
    code: str
    name: str | None
    reason: Silence
    nodes: list[str]  # the node ids registered there (for NOTHING_REPORTED)


@dataclass(frozen=True)
class NeedsAndGaps:
    area: AreaView
    period: PeriodSelection
    months: list[str]
    categories: list[str]  # the categories of the rows: `_all` first, then the code list's order
    rows: list[NeedRow]  # per wijk (by code), then per category
    largest_unmet: list[NeedRow]  # the wijken with the largest gap, for the ranked category
    ranked_category: str
    silent: list[SilentWijk]  # wijken where no cooperative reports for the period
    without_reference: list[str]  # municipalities whose wijken the reference data does not list
    reporting: Reporting
    waiting_note: str = WAITING_NOTE


def needs_and_gaps(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str | None = None,
    *,
    now: datetime | None = None,
    target: Target | None = None,
) -> NeedsAndGaps:
    """Per wijk (of the city, a municipality, or one wijk) and category: needs against supply, and the gaps."""
    now = now or utcnow()
    if area.kind not in AREAS:
        raise InvalidInput(
            "Not an area for needs and gaps.", [FieldError("area", "The city, a municipality or a wijk.")]
        )
    categories = [check_category(category)] if category is not None else [ALL_CATEGORIES, *CATEGORY_CODES]
    target = resolve(scope, area, target)
    months = period.months_started(now)
    came = target.came(months)
    missing = {s.node_id: target.missing(months, now, [s], came) for s in target.spans}
    reporting = target.reporting(months, now, target.missing(months, now, came=came))

    if area.kind == AreaKind.WIJK:
        condition = lambda t: t.area == area.code  # noqa: E731
        wanted, without_reference = {str(area.code)}, []
    else:
        municipalities = target.view.municipalities
        condition = wijk_totals_condition(municipalities)
        listed = {m: [a.code for a in children_of(m)] for m in municipalities}
        without_reference = [m for m, wijken in listed.items() if not wijken]
        wanted = {w for wijken in listed.values() for w in wijken} | {w for s in target.spans for w in s.wijken()}
    sums = _period_sums(condition, categories, months) if months else {}
    wanted |= {wijk for wijk, _, _ in sums}
    known = areas_by_code(wanted)
    serving = spans_serving(target.spans, AreaKind.WIJK, wanted)
    rows = []
    for wijk in sorted(wanted):
        spans = serving[wijk]
        missed = {m: sum(missing[s.node_id].get(m, 0) for s in spans) for m in months}
        population = population_of([wijk], known)
        view = AreaView(area, None, population, len(spans), ())
        for cat in categories:
            rows.append(_row(wijk, known, cat, sums, months, missed, view))
    reported_wijken = {wijk for wijk, _, _ in sums}
    silent = [_silence(w, known, serving[w]) for w in sorted(wanted - reported_wijken)]
    ranked = category or ALL_CATEGORIES
    candidates = [r for r in rows if r.category == ranked and r.gap.value is not None and r.gap.value > 0]
    largest = sorted(candidates, key=lambda r: (-r.gap.value, r.wijk))[:LARGEST_UNMET]
    return NeedsAndGaps(
        target.view, period, months, categories, rows, largest, ranked, silent, without_reference, reporting
    )


def _row(
    wijk: str,
    known: dict,
    category: str,
    sums: dict[tuple[str, str, str], Any],
    months: list[str],
    missed: dict[str, int],
    view: AreaView,
) -> NeedRow:
    def total(metric: str, month_missing: int) -> Total:
        found = sums.get((wijk, category, metric))
        if found is None:
            return not_available(Unavailable.NO_DATA, missing=month_missing)
        return of_sum(found["value"], found["cells"] - found["suppressed"], found["suppressed"], month_missing)

    last = months[-1] if months else None
    demand = total(DEMAND, sum(missed.values()))
    volunteers_row = sums.get((wijk, category, VOLUNTEERS))
    volunteers = total(VOLUNTEERS, missed.get(volunteers_row["period"], 0) if volunteers_row else 0)
    if len(months) > 1:
        volunteers = largest_month(volunteers)
    open_requests = total(OPEN, missed.get(last, 0))
    supply = total(SUPPLY, missed.get(last, 0))
    waiting = sums.get((wijk, category, WAITING))
    times = (
        WaitingTimes(
            waiting["lowest"], waiting["highest"], waiting["cells"] - waiting["suppressed"], waiting["suppressed"]
        )
        if waiting
        else WaitingTimes(None, None, 0, 0)
    )
    area = known.get(wijk)
    return NeedRow(
        wijk,
        area.short_name if area and area.name else None,
        category,
        demand,
        rate_of(METRIC_BY_CODE[DEMAND], demand, view),
        open_requests,
        supply,
        volunteers,
        times,
        gap_of(open_requests, supply),
    )


def _silence(wijk: str, known: dict, serving: list[NodeSpan]) -> SilentWijk:
    """Why a wijk is silent; `serving` are the nodes reporting on it."""
    area = known.get(wijk)
    there = [s.node_id for s in serving]
    reason = Silence.NOTHING_REPORTED if there else Silence.NO_NODE
    return SilentWijk(wijk, area.short_name if area and area.name else None, reason, there)


def _period_sums(condition: Any, categories: list[str], months: list[str]) -> dict[tuple[str, str, str], dict]:
    """Per (wijk, category, metric): the period's figure's parts, made in the database.

    Flows add over the months, stocks are the last month's, a distinct count
    is its largest month's (window function), and a statistic's range spans
    every month.
    """
    t = FigureTotal
    base = [condition(t), t.category.in_(categories)]
    found: dict[tuple[str, str, str], dict] = {}

    over_period = (
        select(
            t.area,
            t.category,
            t.metric,
            func.sum(t.cells).label("cells"),
            func.sum(t.suppressed).label("suppressed"),
            func.sum(t.value_millionths).label("value"),
            func.min(t.lowest_millionths).label("lowest"),
            func.max(t.highest_millionths).label("highest"),
        )
        .where(*base, t.metric.in_([DEMAND, WAITING]), t.period >= months[0], t.period <= months[-1])
        .group_by(t.area, t.category, t.metric)
    )
    at_end = select(t.area, t.category, t.metric, t.cells, t.suppressed, t.value_millionths.label("value")).where(
        *base, t.metric.in_([OPEN, SUPPLY]), t.period == months[-1]
    )
    ranked = (
        select(
            t.area,
            t.category,
            t.metric,
            t.period,
            t.cells,
            t.suppressed,
            t.value_millionths.label("value"),
            func.row_number()
            .over(partition_by=(t.category, t.area), order_by=(t.value_millionths.desc(), t.period))
            .label("place"),
        )
        .where(*base, t.metric == VOLUNTEERS, t.period >= months[0], t.period <= months[-1])
        .subquery()
    )
    largest = select(ranked).where(ranked.c.place == 1)
    for stmt in (over_period, at_end, largest):
        for mapping in db.session.execute(stmt).mappings():
            row = dict(mapping)  # a plain dict: a row's `.get` of a column it lacks raises and catches, slowly
            found[(row["area"], row["category"], row["metric"])] = {
                "cells": int(row["cells"]),
                "suppressed": int(row["suppressed"]),
                "value": from_millionths(row["value"]) or Decimal(0),
                "lowest": from_millionths(row.get("lowest")),
                "highest": from_millionths(row.get("highest")),
                "period": row.get("period"),
            }
    return found


@dataclass(frozen=True)
class NodeWaitingTime:
    node_id: str
    node_name: str
    cell: StatisticCell  # the node's median for one month, area and category, as reported (None: suppressed)


def waiting_times(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str = ALL_CATEGORIES,
    *,
    now: datetime | None = None,
    target: Target | None = None,
) -> list[NodeWaitingTime]:
    """Every node's reported monthly median days to a match in the area: the values behind the range."""
    now = now or utcnow()
    category = check_category(category)
    target = resolve(scope, area, target)
    months = period.months_started(now)
    if not months:
        return []
    branches = figures_condition(area.kind, area.code, target.view.municipalities)
    names = {s.node_id: s.name for s in target.spans}
    return [
        NodeWaitingTime(c.node_id, names.get(c.node_id, c.node_id), c)
        for c in statistic_cells(branches, category, months, WAITING)
    ]
