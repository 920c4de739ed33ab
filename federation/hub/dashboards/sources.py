"""The dashboards' SQL: figures summed per month (and per area or node) in the database, small results out.

Municipality and wijk totals come from `figure_totals`, which the projection
keeps; a buurt or a node is read from `figures`, with the same rule for
which of a node's areas count (`federation.hub.figures.totals`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, not_, or_, select
from sqlalchemy.orm import aliased

from federation.hub.dashboards.selection import AreaKind
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, FigureTotal
from federation.hub.figures.totals import (
    MILLION,
    code_range,
    covered_by_municipality,
    covered_by_wijk,
    millionths,
    within_municipality,
    within_wijk,
)
from federation.protocol.codelists import METRIC_BY_CODE, MetricKind
from federation.protocol.combine import Total, of_statistic, of_sum

Condition = Callable[[Any], ColumnElement[bool]]


def from_millionths(value: int | Decimal | None) -> Decimal | None:
    """Whole millionths as an exact Decimal without trailing zeros: 131500000 -> 131.5."""
    if value is None:
        return None
    whole, rest = divmod(int(value), MILLION)
    return Decimal(whole) if rest == 0 else (Decimal(int(value)) / MILLION).normalize()


@dataclass(frozen=True)
class Cells:
    """One metric's cells in one month (of an area, or of one group in it), summed by the database."""

    cells: int = 0
    suppressed: int = 0
    value: Decimal | None = None  # the published sum (flows, stocks, distinct counts)
    lowest: Decimal | None = None  # statistics: the lowest and highest published value
    highest: Decimal | None = None

    def total(self, metric: str, missing: int = 0) -> Total:
        """The month's figure by the metric's kind: a sum, or a statistic only when there is one cell."""
        published = self.cells - self.suppressed
        if METRIC_BY_CODE[metric].kind == MetricKind.STATISTIC:
            return of_statistic(self.lowest if self.cells == 1 else None, published, self.suppressed, missing)
        return of_sum(self.value or Decimal(0), published, self.suppressed, missing)


EMPTY = Cells()
Grouped = dict[tuple[str, str, str], Cells]  # (group, metric, month) -> cells; group "" when not grouped


def _cells(row: Any) -> Cells:
    return Cells(
        int(row.cells),
        int(row.suppressed or 0),
        from_millionths(row.value),
        from_millionths(row.lowest),
        from_millionths(row.highest),
    )


def totals_areas_condition(municipalities: Iterable[str]) -> Condition:
    """Municipality totals: these municipalities."""
    codes = sorted(set(municipalities))
    return lambda t: t.area.in_(codes)


def wijk_totals_condition(municipalities: Iterable[str]) -> Condition:
    """Wijk totals: the wijken of these municipalities."""
    codes = sorted(set(municipalities))
    return lambda t: or_(false(), *(code_range(t.area, "WK" + m[2:]) for m in codes))


def from_totals(
    areas: Condition, category: str | None, months: list[str], metrics: Iterable[str], *, per_area: bool = False
) -> Grouped:
    """Month by month from `figure_totals`, over the areas (or per area): small results."""
    t = FigureTotal
    group = [t.area] if per_area else []
    stmt = (
        select(
            *group,
            t.metric,
            t.period,
            func.sum(t.cells).label("cells"),
            func.sum(t.suppressed).label("suppressed"),
            func.sum(t.value_millionths).label("value"),
            func.min(t.lowest_millionths).label("lowest"),
            func.max(t.highest_millionths).label("highest"),
        )
        .where(
            t.metric.in_(sorted(set(metrics))),
            t.period >= months[0],
            t.period <= months[-1],
            areas(t),
            *([t.category == category] if category is not None else []),
        )
        .group_by(*group, t.metric, t.period)
    )
    return {(row.area if per_area else "", row.metric, row.period): _cells(row) for row in db.session.execute(stmt)}


def figures_condition(kind: AreaKind, code: str | None, municipalities: Iterable[str]) -> Condition:
    """The figures that count for an area or node: its largest areas inside it, per node."""
    if kind == AreaKind.BUURT:
        return lambda f: f.area == code
    if kind == AreaKind.WIJK:
        return lambda f: and_(within_wijk(f.area, str(code)), not_(covered_by_wijk(f)))

    def outermost(f: Any) -> ColumnElement[bool]:
        return and_(not_(covered_by_wijk(f)), not_(covered_by_municipality(f)))

    if kind == AreaKind.NODE:
        return lambda f: and_(f.node_id == code, outermost(f))
    if kind == AreaKind.MUNICIPALITY:
        return lambda f: and_(within_municipality(f.area, str(code)), outermost(f))
    codes = sorted(set(municipalities))
    return lambda f: and_(or_(false(), *(within_municipality(f.area, m) for m in codes)), outermost(f))


def from_figures(
    condition: Condition, category: str | None, months: list[str], metrics: Iterable[str], *, group: str | None = None
) -> Grouped:
    """Month by month from `figures` (a buurt, a node), summed, or per `group` ("area" or "node_id")."""
    f = aliased(Figure, name="f")
    grouping = [getattr(f, group).label("grp")] if group else []
    value = millionths(f.value)
    stmt = (
        select(
            *grouping,
            f.metric,
            f.period,
            func.count().label("cells"),
            func.sum(case((f.suppressed, 1), else_=0)).label("suppressed"),
            func.sum(value).label("value"),
            func.min(value).label("lowest"),
            func.max(value).label("highest"),
        )
        .where(
            f.metric.in_(sorted(set(metrics))),
            f.period >= months[0],
            f.period <= months[-1],
            condition(f),
            *([f.category == category] if category is not None else []),
        )
        .group_by(*grouping, f.metric, f.period)
    )
    return {(row.grp if group else "", row.metric, row.period): _cells(row) for row in db.session.execute(stmt)}


@dataclass(frozen=True)
class StatisticCell:
    """One published (or suppressed) statistic of one node, month and area: shown as it is, never combined."""

    node_id: str
    period: str
    area: str
    category: str
    value: Decimal | None  # None: suppressed


def statistic_cells(condition: Condition, category: str | None, months: list[str], metric: str) -> list[StatisticCell]:
    """Every node-month value of a statistic that counts for the area, in order."""
    f = aliased(Figure, name="f")
    stmt = (
        select(f.node_id, f.period, f.area, f.category, millionths(f.value).label("value"))
        .where(
            f.metric == metric,
            f.period >= months[0],
            f.period <= months[-1],
            condition(f),
            *([f.category == category] if category is not None else []),
        )
        .order_by(f.node_id, f.period, f.area, f.category)
    )
    return [
        StatisticCell(r.node_id, r.period, r.area, r.category, from_millionths(r.value))
        for r in db.session.execute(stmt)
    ]
