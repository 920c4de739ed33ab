"""Combining figures by each metric's kind (spec section 9), with suppressed and missing cells as lower bounds.

A *cell* is one node's figure for one month: a published value, suppressed
(the node withheld a small count), or missing (the node's month never came).
Combining cells gives a `Total`. The rules:

- across nodes, in one month, flows, stocks and distinct counts add;
- over months, flows add, a stock is its last month, and a distinct count
  never adds (a person active in two months is one person): the period's
  figure is the largest month, which the true figure is at least;
- statistics (a median) never combine: a value only for one cell;
- a total that leaves out a suppressed or missing cell is the sum of what
  was published, and the true total is at least that: a lower bound
  ("≥ 120"), never an exact number.

Values are non-negative (spec section 6), which is what makes a partial sum
a lower bound. Pure: cells in, totals out; no web framework, no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from federation.protocol.codelists import MetricKind

ADDITIVE = frozenset({MetricKind.FLOW, MetricKind.STOCK, MetricKind.DISTINCT})
RATE_PLACES = Decimal("0.01")


class Bound(StrEnum):
    """Why a total is a lower bound."""

    SUPPRESSED = "suppressed"  # small cells the nodes withheld
    MISSING = "missing"  # a node's month that did not come
    LARGEST_MONTH = "largest_month"  # a distinct count over months: the largest month's
    UNVALUED = "unvalued"  # a part that could not be valued: hours of months without a rate, say


class Unavailable(StrEnum):
    """Why there is no total ("—")."""

    NO_DATA = "no_data"
    NOT_COMBINABLE = "not_combinable"  # a statistic over more than one node or month
    SUPPRESSED = "suppressed"  # the one statistic there is, suppressed
    NOT_PER_CATEGORY = "not_per_category"  # the metric is reported for `_all` only


@dataclass(frozen=True)
class Cell:
    """One node's figure for one month: published, suppressed, or missing (value None, not suppressed)."""

    value: Decimal | None
    suppressed: bool = False

    def __post_init__(self) -> None:
        if self.suppressed and self.value is not None:
            raise ValueError("a suppressed cell has no value")
        if self.value is not None and self.value < 0:
            raise ValueError("figures are never negative")

    @property
    def missing(self) -> bool:
        return self.value is None and not self.suppressed


SUPPRESSED = Cell(None, True)
MISSING = Cell(None, False)


@dataclass(frozen=True)
class Total:
    """A combined figure: `value` (None: not available) and whether the true figure may be larger."""

    value: Decimal | None
    bounds: frozenset[Bound] = field(default_factory=frozenset)
    unavailable: Unavailable | None = None
    suppressed: int = 0  # suppressed cells among those combined
    missing: int = 0  # cells that should have come and did not

    def __post_init__(self) -> None:
        if (self.value is None) != (self.unavailable is not None):
            raise ValueError("a total has a value or a reason why not, never both")

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def lower_bound(self) -> bool:
        """The true figure is at least `value`, perhaps more: show "≥"."""
        return self.value is not None and bool(self.bounds)

    def text(self, number: str | None = None) -> str:
        """ "≥ 120", "120" or "—"; `number` is the value already formatted (locale), else str()."""
        if self.value is None:
            return "—"
        shown = number if number is not None else str(self.value)
        return f"≥ {shown}" if self.lower_bound else shown


def not_available(reason: Unavailable, *, suppressed: int = 0, missing: int = 0) -> Total:
    return Total(None, unavailable=reason, suppressed=suppressed, missing=missing)


def of_cell(cell: Cell) -> Total:
    """One cell as a total: a suppressed cell is "≥ 0" (something, perhaps nothing), a missing one "—"."""
    if cell.suppressed:
        return Total(Decimal(0), frozenset({Bound.SUPPRESSED}), suppressed=1)
    if cell.value is None:
        return not_available(Unavailable.NO_DATA, missing=1)
    return Total(cell.value)


def of_sum(value: Decimal, published: int, suppressed: int, missing: int = 0) -> Total:
    """A total from a sum the database made: `published` cells adding to `value`, besides the others."""
    if published + suppressed == 0:
        return not_available(Unavailable.NO_DATA, missing=missing)
    bounds = {Bound.SUPPRESSED} if suppressed else set()
    if missing:
        bounds.add(Bound.MISSING)
    return Total(value, frozenset(bounds), suppressed=suppressed, missing=missing)


def of_statistic(value: Decimal | None, published: int, suppressed: int, missing: int = 0) -> Total:
    """A statistic from the cells there are: a value only when there is exactly one, published."""
    cells = published + suppressed + missing
    if cells == 0 or published + suppressed == 0:
        return not_available(Unavailable.NO_DATA, missing=missing)
    if cells > 1:
        return not_available(Unavailable.NOT_COMBINABLE, suppressed=suppressed, missing=missing)
    if suppressed or value is None:
        return not_available(Unavailable.SUPPRESSED, suppressed=suppressed)
    return Total(value)


def add(totals: Iterable[Total]) -> Total:
    """The sum of additive totals (across nodes in one month, or flows over months)."""
    value, bounds, suppressed, missing, any_value = Decimal(0), set(), 0, 0, False
    for total in totals:
        suppressed += total.suppressed
        missing += total.missing
        bounds |= total.bounds
        if total.value is not None:
            value += total.value
            any_value = True
    if not any_value:
        return not_available(Unavailable.NO_DATA, suppressed=suppressed, missing=missing)
    if missing:
        bounds.add(Bound.MISSING)  # a month nobody reported still leaves the sum short
    return Total(value, frozenset(bounds), suppressed=suppressed, missing=missing)


def across_nodes(kind: MetricKind, totals: Iterable[Total]) -> Total:
    """One month's figure over nodes (or areas of one node): additive kinds add, a statistic stands alone."""
    totals = list(totals)
    if kind in ADDITIVE:
        return add(totals)
    reported = [t for t in totals if t.value is not None or t.unavailable != Unavailable.NO_DATA]
    missing = sum(t.missing for t in totals)
    suppressed = sum(t.suppressed for t in totals)
    if not reported:
        return not_available(Unavailable.NO_DATA, missing=missing)
    if len(reported) > 1 or missing:
        return not_available(Unavailable.NOT_COMBINABLE, suppressed=suppressed, missing=missing)
    if suppressed:  # a withheld median is no "≥ 0": there is nothing to say
        return not_available(Unavailable.SUPPRESSED, suppressed=suppressed)
    return reported[0]


def over_months(kind: MetricKind, monthly: Sequence[Total]) -> Total:
    """A period's figure from its months' figures, oldest first."""
    if not monthly:
        return not_available(Unavailable.NO_DATA)
    if kind == MetricKind.FLOW:
        return add(monthly)
    if kind == MetricKind.STOCK or len(monthly) == 1:
        return monthly[-1]
    if kind == MetricKind.DISTINCT:
        known = [t for t in monthly if t.value is not None]
        if not known:
            return not_available(Unavailable.NO_DATA, missing=sum(t.missing for t in monthly))
        # The first of equal months, so that the same data always gives the same basis.
        return largest_month(max(known, key=lambda t: t.value))
    if all(t.unavailable == Unavailable.NO_DATA for t in monthly):
        return not_available(Unavailable.NO_DATA, missing=sum(t.missing for t in monthly))
    return not_available(Unavailable.NOT_COMBINABLE)


def largest_month(total: Total) -> Total:
    """A distinct count over several months: the largest month's, which the period's count is at least."""
    if total.value is None:
        return total
    return Total(total.value, total.bounds | {Bound.LARGEST_MONTH}, None, total.suppressed, total.missing)


def combine(kind: MetricKind, months: Sequence[Iterable[Cell]]) -> Total:
    """The period's figure from every cell, grouped by month (oldest first)."""
    return over_months(kind, [across_nodes(kind, (of_cell(c) for c in cells)) for cells in months])


def scaled(total: Total, factor: Decimal) -> Total:
    """The total times a non-negative factor (hours times a rate): bounds stay bounds."""
    if factor < 0:
        raise ValueError("a negative factor would turn a lower bound into an upper one")
    if total.value is None:
        return total
    return Total(total.value * factor, total.bounds, None, total.suppressed, total.missing)


def per_thousand(total: Total, population: int | None) -> Total | None:
    """The total per 1,000 inhabitants, to hundredths; None without a population.

    A lower bound is rounded down so that it stays a lower bound.
    """
    if population is None or population <= 0:
        return None
    if total.value is None:
        return total
    rounding = ROUND_FLOOR if total.lower_bound else ROUND_HALF_EVEN
    rate = (total.value * 1000 / Decimal(population)).quantize(RATE_PLACES, rounding=rounding)
    return Total(rate, total.bounds, None, total.suppressed, total.missing)
