"""SQL building blocks for the node's aggregations, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, and_, case, cast, func, select, text
from sqlalchemy.sql.elements import ColumnElement

from node.extensions import db


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def without_jit() -> None:
    """Compile no query plans to machine code for the rest of this transaction (PostgreSQL).

    JIT pays off for queries that run for minutes; for an aggregation over a
    million rows that must answer within a second it compiles longer than the
    query runs (3.5 s for five years of active volunteers, by EXPLAIN ANALYZE).
    """
    if dialect_name() == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def days_between(start: Any, end: Any) -> ColumnElement[float]:
    """Days (fractional) from `start` to `end`, two timestamp expressions."""
    if dialect_name() == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return cast(func.extract("epoch", end - start), Float) / 86400.0


def median_by(values: Select[Any], group_columns: list[str], value_column: str = "value") -> Select[Any]:
    """The median of `value_column` per group, with window functions both databases have.

    `values` yields the group columns and the value; rows numbered within
    their group, the middle one (or the mean of the middle two) is the median.
    """
    inner = values.subquery("median_values")
    groups = [inner.c[name] for name in group_columns]
    value = inner.c[value_column]
    numbered = select(
        *groups,
        value.label("v"),
        func.row_number().over(partition_by=groups, order_by=value).label("rn"),
        # The same window with the whole partition as its frame: one sort serves both.
        func.count().over(partition_by=groups, order_by=value, rows=(None, None)).label("cnt"),
    ).subquery("median_numbered")
    ngroups = [numbered.c[name] for name in group_columns]
    rn, cnt = numbered.c.rn, numbered.c.cnt
    middle = and_(rn >= (cnt + 1) // 2, rn <= (cnt + 2) // 2)
    return select(*ngroups, func.avg(numbered.c.v).label("median")).where(middle).group_by(*ngroups)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """COUNT of rows meeting a condition, in one pass with other aggregates."""
    return func.sum(case((condition, 1), else_=0))
