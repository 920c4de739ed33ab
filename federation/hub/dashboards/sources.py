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
from sqlalchemy.sql import union_all

from federation.hub.dashboards.selection import AreaKind
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, FigureTotal
from federation.hub.figures.totals import (
    MILLION,
    code_range,
    covered_by_municipality,
    covered_by_wijk,
    following_prefix,
    millionths,
    municipality_reported,
    wijk_reported,
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
    """Wijk totals: the wijken of these municipalities.

    The ranges of several municipalities come with the one range around them
    all, which an index can read (the OR of ranges then only filters): asked
    as an OR alone, SQLite reads every area of each month.
    """
    codes = sorted(set(municipalities))
    if not codes:
        return lambda t: false()
    lowest, beyond = "WK" + codes[0][2:], following_prefix("WK" + codes[-1][2:])
    return lambda t: and_(t.area >= lowest, t.area < beyond, or_(*(code_range(t.area, "WK" + m[2:]) for m in codes)))


def from_totals(
    areas: Condition, category: str | None, months: list[str], metrics: Iterable[str], *, per_area: bool = False
) -> Grouped:
    """Month by month from `figure_totals`, over the areas (or per area): small results.

    The rows are read as they are and added up here: with one category there
    is one row per area, metric and month, and a GROUP BY made SQLite (which
    has no statistics) read every area's rows of each month through the index
    whose order saves a sort, a hundred times the rows asked for.
    """
    t = FigureTotal
    stmt = select(
        t.area,
        t.metric,
        t.period,
        t.cells,
        t.suppressed,
        t.value_millionths,
        t.lowest_millionths,
        t.highest_millionths,
    ).where(
        t.metric.in_(sorted(set(metrics))),
        t.period >= months[0],
        t.period <= months[-1],
        areas(t),
        *([t.category == category] if category is not None else []),
    )
    sums: dict[tuple[str, str, str], list[Any]] = {}
    for row in db.session.execute(stmt):
        key = (row.area if per_area else "", row.metric, row.period)
        found = sums.get(key)
        if found is None:
            sums[key] = [row.cells, row.suppressed, *row[5:]]
            continue
        found[0] += row.cells
        found[1] += row.suppressed
        found[2] = _either(found[2], row.value_millionths, lambda a, b: a + b)
        found[3] = _either(found[3], row.lowest_millionths, min)
        found[4] = _either(found[4], row.highest_millionths, max)
    return {key: _cells(_Summed(*values)) for key, values in sums.items()}


@dataclass(frozen=True)
class _Summed:
    """One group's sums, as SQL's SUM, MIN and MAX give them (NULLs left out; NULL when all are)."""

    cells: int
    suppressed: int
    value: int | None
    lowest: int | None
    highest: int | None


def _either(a: int | None, b: int | None, combine: Callable[[int, int], int]) -> int | None:
    return b if a is None else a if b is None else combine(a, b)


Branches = list[Condition]  # disjoint sets of figures that together are those counted


def _municipality_parts(municipality: str) -> Branches:
    """The figures that count in a municipality, as three disjoint ranges of codes: GM, WK and BU.

    Each range is of one level, so whether a figure is covered is asked
    without the level test: a plain NOT EXISTS, which PostgreSQL makes an
    anti-join instead of probing the index once a figure.
    """
    digits = municipality[2:]
    return [
        lambda f: f.area == municipality,  # a municipality figure is always the outermost
        lambda f: and_(code_range(f.area, "WK" + digits), not_(municipality_reported(f))),
        lambda f: and_(code_range(f.area, "BU" + digits), not_(wijk_reported(f)), not_(municipality_reported(f))),
    ]


def figures_condition(kind: AreaKind, code: str | None, municipalities: Iterable[str]) -> Branches:
    """The figures that count for an area or node (its largest areas inside it, per node), as disjoint branches.

    A municipality is three ranges of codes. Asked as one OR, PostgreSQL
    combines three bitmap scans and then reads a table row per figure, and
    SQLite reads every area of the metric; one SELECT per range, put together
    with UNION ALL, reads each range from the covering index alone.
    """
    if kind == AreaKind.BUURT:
        return [lambda f: f.area == code]
    if kind == AreaKind.WIJK:
        wijk = str(code)
        return [lambda f: f.area == wijk, lambda f: and_(code_range(f.area, "BU" + wijk[2:]), not_(wijk_reported(f)))]
    if kind == AreaKind.NODE:
        return [lambda f: and_(f.node_id == code, not_(covered_by_wijk(f)), not_(covered_by_municipality(f)))]
    chosen = [str(code)] if kind == AreaKind.MUNICIPALITY else sorted(set(municipalities))
    return [part for m in chosen for part in _municipality_parts(m)]


def _figure_rows(branches: Branches, where: list[Callable[[Any], ColumnElement[bool]]], *columns: str) -> Any:
    """The figures of every branch that meet `where`, as one subquery (UNION ALL of a SELECT per branch)."""
    f = aliased(Figure, name="f")
    parts = [select(*(getattr(f, c) for c in columns)).where(*(w(f) for w in where), branch(f)) for branch in branches]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("cells")


def from_figures(
    branches: Branches, category: str | None, months: list[str], metrics: Iterable[str], *, group: str | None = None
) -> Grouped:
    """Month by month from `figures` (a buurt, a node), summed, or per `group` ("area" or "node_id")."""
    if not branches:
        return {}
    codes = sorted(set(metrics))
    where = [
        lambda f: f.metric.in_(codes),
        lambda f: f.period >= months[0],
        lambda f: f.period <= months[-1],
        *([lambda f: f.category == category] if category is not None else []),
    ]
    cells = _figure_rows(branches, where, "node_id", "area", "metric", "period", "value", "suppressed")
    grouping = [cells.c[group].label("grp")] if group else []
    value = millionths(cells.c.value)
    stmt = select(
        *grouping,
        cells.c.metric,
        cells.c.period,
        func.count().label("cells"),
        func.sum(case((cells.c.suppressed, 1), else_=0)).label("suppressed"),
        func.sum(value).label("value"),
        func.min(value).label("lowest"),
        func.max(value).label("highest"),
    ).group_by(*grouping, cells.c.metric, cells.c.period)
    return {(row.grp if group else "", row.metric, row.period): _cells(row) for row in db.session.execute(stmt)}


@dataclass(frozen=True)
class StatisticCell:
    """One published (or suppressed) statistic of one node, month and area: shown as it is, never combined."""

    node_id: str
    period: str
    area: str
    category: str
    value: Decimal | None  # None: suppressed


def statistic_cells(branches: Branches, category: str | None, months: list[str], metric: str) -> list[StatisticCell]:
    """Every node-month value of a statistic that counts for the area, in order."""
    if not branches:
        return []
    where = [
        lambda f: f.metric == metric,
        lambda f: f.period >= months[0],
        lambda f: f.period <= months[-1],
        *([lambda f: f.category == category] if category is not None else []),
    ]
    cells = _figure_rows(branches, where, "node_id", "period", "area", "category", "value")
    stmt = select(
        cells.c.node_id, cells.c.period, cells.c.area, cells.c.category, millionths(cells.c.value).label("value")
    ).order_by(cells.c.node_id, cells.c.period, cells.c.area, cells.c.category)
    return [
        StatisticCell(r.node_id, r.period, r.area, r.category, from_millionths(r.value))
        for r in db.session.execute(stmt)
    ]
