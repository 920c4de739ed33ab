"""The combination rules (spec section 9): flows add, stocks take the last month, the rest never add."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from federation.protocol.codelists import MetricKind
from federation.protocol.combine import (
    MISSING,
    SUPPRESSED,
    Bound,
    Cell,
    Total,
    Unavailable,
    across_nodes,
    add,
    combine,
    of_cell,
    of_statistic,
    of_sum,
    over_months,
    per_thousand,
    scaled,
)

values = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
# One month: each node's true value and whether the node suppressed it.
month_cells = st.lists(st.tuples(values, st.booleans()), min_size=1, max_size=6)
months_of_cells = st.lists(month_cells, min_size=1, max_size=8)
ADDITIVE = [MetricKind.FLOW, MetricKind.STOCK, MetricKind.DISTINCT]


def published(month: list[tuple[Decimal, bool]]) -> list[Cell]:
    return [SUPPRESSED if hidden else Cell(value) for value, hidden in month]


def true_sum(month: list[tuple[Decimal, bool]]) -> Decimal:
    return sum((value for value, _ in month), Decimal(0))


@given(months_of_cells)
def test_a_flow_over_months_is_the_sum_of_its_monthly_totals(months: list) -> None:
    monthly = [combine(MetricKind.FLOW, [published(m)]) for m in months]
    total = combine(MetricKind.FLOW, [published(m) for m in months])
    assert total.value == sum((t.value for t in monthly), Decimal(0))
    assert total.lower_bound == any(t.lower_bound for t in monthly)
    assert total.suppressed == sum(t.suppressed for t in monthly)


@given(months_of_cells, st.sampled_from(ADDITIVE))
def test_a_total_never_claims_exactness_when_a_cell_it_includes_is_suppressed(months: list, kind: MetricKind) -> None:
    total = combine(kind, [published(m) for m in months])
    # A stock includes its last month only; a distinct count over months is a bound in any case.
    included = months[-1:] if kind == MetricKind.STOCK else months
    if any(hidden for m in included for _, hidden in m):
        assert total.lower_bound and total.text().startswith("≥ ")


@given(months_of_cells, st.sampled_from(ADDITIVE))
def test_the_lower_bound_never_exceeds_the_true_total(months: list, kind: MetricKind) -> None:
    total = combine(kind, [published(m) for m in months])
    if kind == MetricKind.FLOW:
        truth = sum((true_sum(m) for m in months), Decimal(0))
    elif kind == MetricKind.STOCK:
        truth = true_sum(months[-1])
    else:  # the true distinct count over the period is at least every month's
        truth = max(true_sum(m) for m in months)
    assert total.value is not None and total.value <= truth
    if not total.lower_bound:
        assert total.value == truth


@given(months_of_cells)
def test_without_suppression_additive_totals_are_exact(months: list) -> None:
    clear = [[(value, False) for value, _ in m] for m in months]
    flow = combine(MetricKind.FLOW, [published(m) for m in clear])
    stock = combine(MetricKind.STOCK, [published(m) for m in clear])
    assert flow == Total(sum((true_sum(m) for m in clear), Decimal(0)))
    assert stock == Total(true_sum(clear[-1]))


@given(months_of_cells)
def test_a_distinct_count_over_months_is_the_largest_month_and_a_lower_bound(months: list) -> None:
    monthly = [combine(MetricKind.DISTINCT, [published(m)]) for m in months]
    total = combine(MetricKind.DISTINCT, [published(m) for m in months])
    assert total.value == max(t.value for t in monthly)
    if len(months) > 1:
        assert total.lower_bound and Bound.LARGEST_MONTH in total.bounds
    else:
        assert total == monthly[0]


@given(months_of_cells)
def test_a_stock_takes_the_last_month(months: list) -> None:
    total = combine(MetricKind.STOCK, [published(m) for m in months])
    assert total == combine(MetricKind.STOCK, [published(months[-1])])


@given(st.lists(values, min_size=2, max_size=5), st.integers(min_value=1, max_value=4))
def test_statistics_never_combine(medians: list[Decimal], months: int) -> None:
    cells = [Cell(m) for m in medians]
    over_nodes = combine(MetricKind.STATISTIC, [cells])
    over_time = combine(MetricKind.STATISTIC, [[Cell(medians[0])] for _ in range(months + 1)])
    assert over_nodes.unavailable == Unavailable.NOT_COMBINABLE and over_nodes.text() == "—"
    assert over_time.unavailable == Unavailable.NOT_COMBINABLE


@given(values)
def test_one_statistic_of_one_node_and_month_is_its_value(median: Decimal) -> None:
    assert combine(MetricKind.STATISTIC, [[Cell(median)]]) == Total(median)
    assert of_statistic(median, published=1, suppressed=0) == Total(median)
    assert of_statistic(median, published=2, suppressed=0).unavailable == Unavailable.NOT_COMBINABLE


def test_a_suppressed_statistic_says_nothing_not_zero() -> None:
    assert combine(MetricKind.STATISTIC, [[SUPPRESSED]]).unavailable == Unavailable.SUPPRESSED
    assert of_statistic(None, published=0, suppressed=1).unavailable == Unavailable.SUPPRESSED


def test_a_statistic_beside_a_missing_report_is_not_the_areas_statistic() -> None:
    total = combine(MetricKind.STATISTIC, [[Cell(Decimal("4.5")), MISSING]])
    assert total.unavailable == Unavailable.NOT_COMBINABLE and total.missing == 1


@given(months_of_cells, st.sampled_from(ADDITIVE))
def test_a_missing_report_makes_a_lower_bound_too(months: list, kind: MetricKind) -> None:
    cells = [[*published(m), MISSING] for m in months]
    total = combine(kind, cells)
    assert total.lower_bound and Bound.MISSING in total.bounds and total.missing >= 1


def test_nothing_reported_is_not_available_rather_than_zero() -> None:
    assert combine(MetricKind.FLOW, [[MISSING], [MISSING]]).unavailable == Unavailable.NO_DATA
    assert combine(MetricKind.FLOW, []).unavailable == Unavailable.NO_DATA
    assert add([]).text() == "—"


def test_only_suppressed_cells_give_at_least_zero() -> None:
    total = combine(MetricKind.FLOW, [[SUPPRESSED, SUPPRESSED]])
    assert total.value == 0 and total.lower_bound and total.suppressed == 2
    assert total.text() == "≥ 0"


def test_a_sum_from_the_database_keeps_its_counts() -> None:
    assert of_sum(Decimal(120), published=3, suppressed=1).text() == "≥ 120"
    assert of_sum(Decimal(120), published=3, suppressed=0).text() == "120"
    assert of_sum(Decimal(0), published=0, suppressed=0, missing=2) == Total(
        None, unavailable=Unavailable.NO_DATA, missing=2
    )
    assert of_sum(Decimal(7), published=1, suppressed=0, missing=1).bounds == {Bound.MISSING}


def test_a_stock_whose_last_month_is_missing_is_not_available() -> None:
    total = combine(MetricKind.STOCK, [[Cell(Decimal(10))], [MISSING]])
    assert total.unavailable == Unavailable.NO_DATA and total.missing == 1


@given(months_of_cells, st.integers(min_value=1, max_value=1_000_000))
def test_a_rate_per_thousand_of_a_lower_bound_stays_a_lower_bound(months: list, population: int) -> None:
    total = combine(MetricKind.FLOW, [published(m) for m in months])
    rate = per_thousand(total, population)
    truth = sum((true_sum(m) for m in months), Decimal(0)) * 1000 / population
    assert rate is not None and rate.lower_bound == total.lower_bound
    if rate.lower_bound:
        assert rate.value <= truth


def test_rates_need_a_population() -> None:
    assert per_thousand(Total(Decimal(30)), None) is None
    assert per_thousand(Total(Decimal(30)), 0) is None
    assert per_thousand(Total(Decimal(30)), 12_000) == Total(Decimal("2.50"))


def test_scaling_keeps_bounds_and_refuses_negative_factors() -> None:
    hours = of_sum(Decimal("131.5"), published=2, suppressed=1)
    euros = scaled(hours, Decimal("15.50"))
    assert euros.value == Decimal("2038.250") and euros.lower_bound
    with pytest.raises(ValueError):
        scaled(hours, Decimal(-1))


def test_cells_and_totals_refuse_impossible_states() -> None:
    with pytest.raises(ValueError):
        Cell(Decimal(3), suppressed=True)
    with pytest.raises(ValueError):
        Cell(Decimal(-1))
    with pytest.raises(ValueError):
        Total(None)


def test_one_cell_alone() -> None:
    assert of_cell(Cell(Decimal(5))) == Total(Decimal(5))
    assert of_cell(MISSING).missing == 1
    assert across_nodes(MetricKind.FLOW, [of_cell(Cell(Decimal(2))), of_cell(Cell(Decimal(3)))]) == Total(Decimal(5))
    assert over_months(MetricKind.STATISTIC, [of_cell(MISSING), of_cell(MISSING)]).unavailable == Unavailable.NO_DATA
