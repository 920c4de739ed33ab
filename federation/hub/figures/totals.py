"""The figures over nodes per month, municipality or wijk (`FigureTotal`), and which areas of a node count.

A node may report an area and areas inside it: its wijk and the wijk's
buurten, say. For a total over a municipality or wijk each node counts with
its largest areas inside it (spec section 9, hub-design "areas"), so a figure
counts unless the same node-month reports the same category and metric for
an area around it. `covered_by_wijk` and `covered_by_municipality` say so in
SQL; the dashboards' reads of `figures` use them too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlalchemy.sql import union_all

from federation.hub.extensions import db
from federation.hub.figures.models import Figure, FigureTotal
from federation.protocol.codelists import METRICS, MetricKind

MILLION = 1_000_000
STATISTICS = tuple(m.code for m in METRICS if m.kind == MetricKind.STATISTIC)
TotalKey = tuple[str, str, str, str]  # (area, category, period, metric)
Sums = tuple[int, int, int]  # (value in millionths, cells, suppressed)
KEY_COLUMNS = ("area", "category", "period", "metric")


def millionths(value: Any) -> ColumnElement[int]:
    """A value as whole millionths, NULL for a suppressed one: sums that add and subtract exactly."""
    return cast(func.round(value * MILLION), BigInteger)


def level_of(area: Any) -> ColumnElement[str]:
    """ "GM", "WK" or "BU"."""
    return func.substr(area, 1, 2)


def wijk_code(area: Any) -> ColumnElement[str]:
    """The wijk of a buurt or wijk code."""
    return literal("WK") + func.substr(area, 3, 6)


def municipality_code(area: Any) -> ColumnElement[str]:
    return literal("GM") + func.substr(area, 3, 4)


def code_range(column: Any, prefix: str) -> ColumnElement[bool]:
    """Codes starting with `prefix`, as a range an index serves (LIKE does not, under most collations)."""
    return and_(column >= prefix, column < following_prefix(prefix))


def following_prefix(prefix: str) -> str:
    """The first string after every code starting with `prefix`: its last character counted up, 0-9 then A-Z."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head, last = prefix[:-1], prefix[-1]
    if last in digits and last != "Z":
        return head + digits[digits.index(last) + 1]
    if last == "Z":
        return following_prefix(head)
    return head + chr(ord(last) + 1)


def within_municipality(column: Any, municipality: str) -> ColumnElement[bool]:
    """The municipality itself, its wijken and its buurten (three index ranges)."""
    digits = municipality[2:]
    return or_(column == municipality, code_range(column, "WK" + digits), code_range(column, "BU" + digits))


def within_wijk(column: Any, wijk: str) -> ColumnElement[bool]:
    return or_(column == wijk, code_range(column, "BU" + wijk[2:]))


def _reported_for(figure: Any, area: ColumnElement[str]) -> ColumnElement[bool]:
    other = aliased(Figure)
    return exists().where(
        other.node_id == figure.node_id,
        other.period == figure.period,
        other.area == area,
        other.category == figure.category,
        other.metric == figure.metric,
    )


def wijk_reported(figure: Any) -> ColumnElement[bool]:
    """The same node-month reports the figure's wijk too (for the same category and metric)."""
    return _reported_for(figure, wijk_code(figure.area))


def municipality_reported(figure: Any) -> ColumnElement[bool]:
    """The same node-month reports the figure's municipality too (for the same category and metric)."""
    return _reported_for(figure, municipality_code(figure.area))


def covered_by_wijk(figure: Any) -> ColumnElement[bool]:
    """A buurt figure whose wijk the same node-month reports too (for the same category and metric)."""
    return and_(level_of(figure.area) == "BU", wijk_reported(figure))


def covered_by_municipality(figure: Any) -> ColumnElement[bool]:
    """A wijk or buurt figure whose municipality the same node-month reports too."""
    return and_(level_of(figure.area) != "GM", municipality_reported(figure))


def _counted_cells(statistics: bool, *where: Any) -> Any:
    """Every figure where it counts: at its municipality, and at its wijk (wijk and buurt figures)."""
    f = aliased(Figure, name="f")
    conditions = [
        f.metric.in_(STATISTICS) if statistics else f.metric.not_in(STATISTICS),
        not_(covered_by_wijk(f)),
        *(condition(f) for condition in where),
    ]
    columns = (f.category, f.period, f.metric, f.value, f.suppressed)
    to_municipality = select(municipality_code(f.area).label("area"), *columns).where(
        *conditions, not_(covered_by_municipality(f))
    )
    to_wijk = select(wijk_code(f.area).label("area"), *columns).where(*conditions, level_of(f.area) != "GM")
    return union_all(to_municipality, to_wijk).subquery("cells")


def _grouped(cells: Any, *aggregates: Any) -> Select[Any]:
    keys = [cells.c[name] for name in KEY_COLUMNS]
    suppressed = func.coalesce(func.sum(case((cells.c.suppressed, 1), else_=0)), 0)
    return select(*keys, func.count().label("cells"), suppressed.label("suppressed"), *aggregates).group_by(*keys)


def contributions(node_id: str | None = None, period: str | None = None) -> Select[Any]:
    """Flows, stocks and distinct counts per total: every figure's, or one node-month's (what it adds)."""
    where = []
    if node_id is not None:
        where.append(lambda f: f.node_id == node_id)
    if period is not None:
        where.append(lambda f: f.period == period)
    cells = _counted_cells(False, *where)
    return _grouped(cells, func.coalesce(func.sum(millionths(cells.c.value)), 0).label("value_millionths"))


def statistic_ranges(periods: Iterable[str] | None = None, municipalities: Iterable[str] | None = None) -> Select[Any]:
    """Statistics per total: the lowest and highest published value, for some municipality-months or all."""
    where = []
    if periods is not None:
        periods = sorted(set(periods))
        where.append(lambda f: f.period.in_(periods))
    if municipalities is not None:
        municipalities = sorted(set(municipalities))
        where.append(lambda f: or_(*(within_municipality(f.area, m) for m in municipalities)))
    cells = _counted_cells(True, *where)
    return _grouped(
        cells,
        func.min(millionths(cells.c.value)).label("lowest_millionths"),
        func.max(millionths(cells.c.value)).label("highest_millionths"),
    )


def node_month_sums(node_id: str, period: str) -> dict[TotalKey, Sums]:
    """What one node-month adds to the totals now."""
    rows = db.session.execute(contributions(node_id, period)).all()
    return {
        (r.area, r.category, r.period, r.metric): (int(r.value_millionths), int(r.cells), int(r.suppressed))
        for r in rows
    }


def node_month_municipalities(node_id: str, period: str) -> set[str]:
    """The municipalities a node-month's figures lie in."""
    stmt = select(municipality_code(Figure.area)).where(Figure.node_id == node_id, Figure.period == period).distinct()
    return set(db.session.scalars(stmt))


def add_difference(changes: dict[TotalKey, Sums], before: dict[TotalKey, Sums], after: dict[TotalKey, Sums]) -> None:
    """Add (after - before) into `changes`."""
    for key in before.keys() | after.keys():
        old, new = before.get(key, (0, 0, 0)), after.get(key, (0, 0, 0))
        if old == new:
            continue
        was = changes.get(key, (0, 0, 0))
        changes[key] = (was[0] + new[0] - old[0], was[1] + new[1] - old[1], was[2] + new[2] - old[2])


def apply_changes(changes: dict[TotalKey, Sums]) -> None:
    """Add the changes into the totals; totals left with no cell are removed."""
    rows = [
        {"area": a, "category": c, "period": p, "metric": m, "value_millionths": v, "cells": n, "suppressed": s}
        for (a, c, p, m), (v, n, s) in sorted(changes.items())  # one order for every writer: no deadlocks
        if (v, n, s) != (0, 0, 0)
    ]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(FigureTotal)
    table = FigureTotal.__table__
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY_COLUMNS],
        set_={name: table.c[name] + stmt.excluded[name] for name in ("value_millionths", "cells", "suppressed")},
    )
    db.session.execute(stmt, rows)
    for period, area in sorted({(r["period"], r["area"]) for r in rows if r["cells"] < 0}):
        db.session.execute(
            delete(FigureTotal).where(FigureTotal.period == period, FigureTotal.area == area, FigureTotal.cells <= 0)
        )


def refresh_statistics(municipality_months: set[tuple[str, str]]) -> None:
    """Make the statistics' ranges again for these (period, municipality) pairs: a lowest value cannot be taken off."""
    by_period: dict[str, set[str]] = {}
    for period, municipality in sorted(municipality_months):
        _lock(f"figure_totals {period} {municipality}")
        by_period.setdefault(period, set()).add(municipality)
    for period, municipalities in sorted(by_period.items()):
        db.session.execute(
            delete(FigureTotal).where(
                FigureTotal.period == period,
                FigureTotal.metric.in_(STATISTICS),
                or_(*(within_municipality(FigureTotal.area, m) for m in sorted(municipalities))),
            )
        )
        _insert(statistic_ranges([period], municipalities))


def _lock(name: str) -> None:
    """Wait for any other transaction remaking the same ranges (PostgreSQL; SQLite has one writer at a time).

    Two readers projecting two nodes of one municipality-month would each
    make its ranges from figures without the other's, the last one winning.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        db.session.execute(select(func.pg_advisory_xact_lock(key)))


def rebuild_totals() -> int:
    """The totals made again from every current figure: to check the kept ones, or to repair them."""
    db.session.execute(delete(FigureTotal))
    _insert(contributions())
    _insert(statistic_ranges())
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(FigureTotal)) or 0


def _insert(query: Select[Any]) -> None:
    sums = query.subquery("sums")
    columns = [c.name for c in sums.c]
    db.session.execute(FigureTotal.__table__.insert().from_select(columns, select(*sums.c)))
