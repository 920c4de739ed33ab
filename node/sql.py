"""SQL building blocks for the node's aggregations, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Float, Select, and_, case, cast, func, select, text
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op

from node.extensions import db


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def plan_for_aggregation() -> None:
    """Plan the rest of this transaction's queries for aggregating over data in memory (PostgreSQL).

    No JIT: it pays off for queries that run for minutes; for an aggregation
    over a million rows that must answer within a second it compiles longer
    than the query runs (3.5 s for five years of active volunteers, by EXPLAIN
    ANALYZE). Index pages priced like the table's: with the stock
    `random_page_cost` of 4 (a disk's), the planner hash-aggregates whole
    tables where reading a covering index in the order of the GROUP BY is
    faster, as it is when the data is in memory. And room to sort some
    100,000 small rows (window functions over counts) in memory.
    """
    if dialect_name() == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL random_page_cost = 1.1"))
        db.session.execute(text("SET LOCAL work_mem = '32MB'"))


@contextmanager
def grouping_in_index_order() -> Iterator[None]:
    """Aggregate by reading rows in the order of the GROUP BY, not by hashing them, while inside (PostgreSQL).

    For most of a big table, hashing tens of thousands of (text, text,
    integer) groups takes half as long again as reading a covering index in
    the order of the GROUP BY (0.35 s against 0.23 s for five years of
    waiting times); the planner's costs say the opposite.
    """
    if dialect_name() != "postgresql":
        yield
        return
    db.session.execute(text("SET LOCAL enable_hashagg = off"))
    try:
        yield
    finally:
        db.session.execute(text("SET LOCAL enable_hashagg TO DEFAULT"))


def hidden_from_index(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """`column`, but not usable for an index lookup by SQLite's planner; as it is on PostgreSQL.

    A unary `+` changes no value and is SQLite's documented way to keep a
    condition from choosing the index. A condition on a range of `column`
    then no longer makes SQLite read that range and sort it for the GROUP BY:
    it reads an index in the order of the GROUP BY instead, skipping the rows
    outside the range, which is several times faster once the range holds
    more than a small part of the table. (PostgreSQL weighs both itself.)
    """
    if dialect_name() != "sqlite":
        return column
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


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
