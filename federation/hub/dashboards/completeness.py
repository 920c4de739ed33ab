"""Reporting completeness: per node and month, on time, late, partial or missing, and revisions after a moment.

A month's report is *on time* when its first complete report (`complete:
true`, spec section 6) was received by the deadline: the end of a day of the
following month, Amsterdam time (`report_deadline_day`, the 10th by default);
*late* when that came after it; *partial* when only reports made before the
month ended came, and the deadline has passed; *missing* when nothing came by
then. Before the deadline a month without its complete report is *awaited*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, select

from federation.hub.dashboards.coverage import NodeSpan
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from federation.hub.dashboards.targets import AreaView, Target, resolve
from federation.hub.extensions import db
from federation.hub.figures.models import Report
from federation.hub.registry.health import deadline
from federation.hub.registry.models import NodeStatus
from wijknet.web.database import utcnow


class ReportingState(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PARTIAL = "partial"  # missing, but the node sent what it had before the month ended
    MISSING = "missing"
    AWAITED = "awaited"  # the deadline has not passed yet
    NOT_EXPECTED = "not_expected"  # before the node joined, or after it was suspended


@dataclass(frozen=True)
class NodeMonth:
    period: str
    state: ReportingState
    deadline: datetime
    first_complete_at: datetime | None  # when the first complete report came
    last_received_at: datetime | None
    reports: int  # revisions received
    revision: int | None  # the highest: the one that counts
    changed_after: bool  # a revision came after the moment asked about (`flag_after`)


@dataclass(frozen=True)
class NodeCompleteness:
    node_id: str
    name: str
    municipality: str
    status: NodeStatus
    months: list[NodeMonth]

    def count(self, state: ReportingState) -> int:
        return sum(1 for m in self.months if m.state == state)


@dataclass(frozen=True)
class MonthCompleteness:
    """One month over the nodes: how many were expected and what came of them."""

    period: str
    expected: int
    states: dict[ReportingState, int]

    @property
    def on_time_share(self) -> float | None:
        """On time among the expected whose deadline has passed; None before that."""
        due = self.expected - self.states.get(ReportingState.AWAITED, 0)
        return self.states.get(ReportingState.ON_TIME, 0) / due if due else None


@dataclass(frozen=True)
class Completeness:
    area: AreaView
    period: PeriodSelection
    months: list[str]
    deadline_day: int
    nodes: list[NodeCompleteness]  # by node id
    by_month: list[MonthCompleteness]
    flag_after: datetime | None


def completeness(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    *,
    deadline_day: int,
    flag_after: datetime | None = None,
    now: datetime | None = None,
    target: Target | None = None,
) -> Completeness:
    """Per node reporting on the area and per month: the state, and whether it changed after `flag_after`."""
    now = now or utcnow()
    target = resolve(scope, area, target)
    months = period.months_started(now)
    found = _reports(target.spans, months, flag_after) if months else {}
    deadlines = {month: deadline(month, deadline_day) for month in months}  # once a month, not once a cell
    nodes = []
    for span in target.spans:
        cells = [_node_month(span, month, found.get((span.node_id, month)), deadlines[month], now) for month in months]
        nodes.append(NodeCompleteness(span.node_id, span.name, span.municipality, span.status, cells))
    by_month = []
    for index, month in enumerate(months):
        states: dict[ReportingState, int] = {}
        for node in nodes:
            state = node.months[index].state
            states[state] = states.get(state, 0) + 1
        expected = len(nodes) - states.pop(ReportingState.NOT_EXPECTED, 0)
        by_month.append(MonthCompleteness(month, expected, states))
    return Completeness(target.view, period, months, deadline_day, nodes, by_month, flag_after)


def _reports(spans: list[NodeSpan], months: list[str], flag_after: datetime | None) -> dict[tuple[str, str], Any]:
    """Per node-month, what the reports say, grouped in the database."""
    r = Report
    changed = func.sum(case((r.received_at > flag_after, 1), else_=0)) if flag_after else func.sum(0)
    stmt = (
        select(
            r.node_id,
            r.period,
            func.min(case((r.complete, r.received_at))).label("first_complete_at"),
            func.max(r.received_at).label("last_received_at"),
            func.count().label("reports"),
            func.max(r.revision).label("revision"),
            changed.label("changed"),
        )
        .where(r.node_id.in_([s.node_id for s in spans]), r.period >= months[0], r.period <= months[-1])
        .group_by(r.node_id, r.period)
    )
    return {(row.node_id, row.period): row for row in db.session.execute(stmt)}


def _node_month(span: NodeSpan, month: str, found: Any, due: datetime, now: datetime) -> NodeMonth:
    if found is None:
        expected = span.first_month <= month and (span.last_month is None or month <= span.last_month)
        if not expected:
            state = ReportingState.NOT_EXPECTED
        else:
            state = ReportingState.AWAITED if now < due else ReportingState.MISSING
        return NodeMonth(month, state, due, None, None, 0, None, False)
    first_complete = found.first_complete_at
    if first_complete is not None:
        state = ReportingState.ON_TIME if first_complete < due else ReportingState.LATE
    else:
        state = ReportingState.AWAITED if now < due else ReportingState.PARTIAL
    return NodeMonth(
        month,
        state,
        due,
        first_complete,
        found.last_received_at,
        int(found.reports),
        int(found.revision),
        bool(found.changed),
    )


@dataclass(frozen=True)
class LateRevision:
    """A report received after a moment (a municipal report made then shows figures that have changed)."""

    node_id: str
    node_name: str
    period: str
    revision: int
    received_at: datetime
    complete: bool


def revisions_after(
    scope: Scope,
    period: PeriodSelection,
    moment: datetime,
    area: AreaSelection | None = None,
    *,
    target: Target | None = None,
) -> list[LateRevision]:
    """Every report for the period's months received after `moment`, of the nodes reporting on the area."""
    target = resolve(scope, area or AreaSelection.city(), target)
    names = {s.node_id: s.name for s in target.spans}
    stmt = (
        select(Report.node_id, Report.period, Report.revision, Report.received_at, Report.complete)
        .where(
            Report.node_id.in_(sorted(names)),
            Report.period >= period.first,
            Report.period <= period.last,
            Report.received_at > moment,
        )
        .order_by(Report.received_at, Report.node_id, Report.period)
    )
    return [
        LateRevision(row.node_id, names[row.node_id], row.period, row.revision, row.received_at, row.complete)
        for row in db.session.execute(stmt)
    ]
