"""Disclosure control: what the node suppresses, and what the hub refuses (spec section 6)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from federation.protocol.areas import AreaLevel, area_level, contains
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRIC_BY_CODE, METRICS
from federation.protocol.disclosure import Cell, Figure, suppress, violations

WIJK = "WK034402"
BUURTEN = ("BU03440201", "BU03440202", "BU03440203", "BU03440204")


def figures_of(cells: list[Cell], min_count: int = 5) -> dict[tuple[str, str, str], Figure]:
    return {f.key: f for f in suppress(cells, min_count)}


def test_person_counts_under_min_count_are_suppressed_zero_is_not() -> None:
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "members_new", 4),
        Cell(WIJK, ALL_CATEGORIES, "members_total", 0),
        Cell(WIJK, ALL_CATEGORIES, "requests_new", 5),
    ]
    out = figures_of(cells)
    assert out[(WIJK, ALL_CATEGORIES, "members_new")] == Figure(WIJK, ALL_CATEGORIES, "members_new", None, True)
    assert out[(WIJK, ALL_CATEGORIES, "members_total")].value == 0
    assert out[(WIJK, ALL_CATEGORIES, "requests_new")].value == 5


def test_guarded_sums_need_enough_persons_behind_them() -> None:
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "volunteer_hours", Decimal("131.50"), basis=4),
        Cell(WIJK, ALL_CATEGORIES, "paid_hours", Decimal("80"), basis=5),
        Cell(WIJK, ALL_CATEGORIES, "days_to_match_median", None, basis=0),
        Cell(WIJK, ALL_CATEGORIES, "assignment_revenue_eur", Decimal("1250.00")),
    ]
    out = figures_of(cells)
    assert out[(WIJK, ALL_CATEGORIES, "volunteer_hours")].suppressed
    assert out[(WIJK, ALL_CATEGORIES, "paid_hours")].value == Decimal("80")
    assert out[(WIJK, ALL_CATEGORIES, "days_to_match_median")].suppressed  # no value at all
    assert out[(WIJK, ALL_CATEGORIES, "assignment_revenue_eur")].value == Decimal("1250.00")


def test_a_guarded_sum_follows_its_published_guard_too() -> None:
    # The hub checks hours against the published volunteers_active, not the node's own count.
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "volunteers_active", 0),
        Cell(WIJK, ALL_CATEGORIES, "volunteer_hours", 3, basis=7),
    ]
    assert figures_of(cells)[(WIJK, ALL_CATEGORIES, "volunteer_hours")].suppressed


def test_a_lone_suppressed_category_takes_the_smallest_nonzero_neighbour_with_it() -> None:
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "requests_new", 40),
        Cell(WIJK, "garden", "requests_new", 2),  # primary
        Cell(WIJK, "shopping", "requests_new", 0),  # zero: could be known from elsewhere
        Cell(WIJK, "practical", "requests_new", 9),
        Cell(WIJK, "social", "requests_new", 29),
    ]
    out = figures_of(cells)
    assert [k[1] for k, f in out.items() if f.suppressed] == ["garden", "practical"]
    assert out[(WIJK, ALL_CATEGORIES, "requests_new")].value == 40


def test_with_nothing_else_to_suppress_the_total_goes() -> None:
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "requests_new", 7),
        Cell(WIJK, "garden", "requests_new", 2),
        Cell(WIJK, "shopping", "requests_new", 0),
    ]
    out = figures_of(cells)
    assert out[(WIJK, ALL_CATEGORIES, "requests_new")].suppressed
    assert out[(WIJK, "garden", "requests_new")].suppressed
    assert out[(WIJK, "shopping", "requests_new")].value == 0


def test_buurten_under_a_published_wijk_follow_the_same_rule() -> None:
    cells = [
        Cell(WIJK, ALL_CATEGORIES, "members_total", 120),
        Cell(BUURTEN[0], ALL_CATEGORIES, "members_total", 3),
        Cell(BUURTEN[1], ALL_CATEGORIES, "members_total", 50),
        Cell(BUURTEN[2], ALL_CATEGORIES, "members_total", 67),
    ]
    out = figures_of(cells)
    assert {k[0] for k, f in out.items() if f.suppressed} == {BUURTEN[0], BUURTEN[1]}


def test_the_hub_finds_each_kind_of_breach() -> None:
    published = [
        Figure(WIJK, ALL_CATEGORIES, "requests_new", 40, False),
        Figure(WIJK, "garden", "requests_new", None, True),
        Figure(WIJK, "shopping", "requests_new", 3, False),  # person count under 5
        Figure(WIJK, "social", "requests_new", 34, False),
        Figure(WIJK, ALL_CATEGORIES, "volunteers_active", 4, False),  # also a person count under 5
        Figure(WIJK, ALL_CATEGORIES, "volunteer_hours", 12.5, False),  # guarded by volunteers_active = 4
    ]
    found = violations(published, 5)
    assert [v.index for v in found] == [1, 2, 4, 5]
    assert "subtraction" in found[0].message
    assert violations(published[:1] + published[3:4], 5) == []


def test_a_suppressed_guard_cannot_be_checked_and_is_not_a_breach() -> None:
    published = [
        Figure(WIJK, ALL_CATEGORIES, "requests_matched", None, True),
        Figure(WIJK, ALL_CATEGORIES, "days_to_match_median", 6.5, False),
    ]
    assert violations(published, 5) == []


# --- properties ------------------------------------------------------------------------------


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[Cell], int]:
    """A report's cells: the wijk and some buurten, some categories and metrics, small values."""
    min_count = draw(st.integers(min_value=3, max_value=10))
    areas = [WIJK, *draw(st.lists(st.sampled_from(BUURTEN), unique=True, max_size=4))]
    categories = [ALL_CATEGORIES, *draw(st.lists(st.sampled_from(CATEGORY_CODES), unique=True, max_size=5))]
    metrics = draw(st.lists(st.sampled_from(METRICS), unique=True, min_size=1, max_size=5))
    values = st.integers(min_value=0, max_value=3 * min_count)
    cells = []
    for area in areas:
        for metric in metrics:
            for category in categories if metric.per_category else [ALL_CATEGORIES]:
                if draw(st.integers(0, 9)) == 0:
                    continue  # a cell may be absent
                value = draw(st.none() | values) if metric.guarded else draw(values)
                basis = draw(values) if metric.guarded else None
                cells.append(Cell(area, category, metric.code, value, basis))
    return cells, min_count


@settings(max_examples=300, deadline=None)
@given(grids())
def test_no_report_the_node_builds_breaks_a_rule(grid: tuple[list[Cell], int]) -> None:
    cells, min_count = grid
    published = suppress(cells, min_count)
    assert violations(published, min_count) == []
    for cell, figure in zip(cells, published, strict=True):
        assert figure.key == cell.key
        assert figure.suppressed == (figure.value is None)
        if not figure.suppressed:
            assert figure.value == cell.value  # suppression hides, never alters
        metric = METRIC_BY_CODE[cell.metric]
        if cell.value is not None and metric.person and 0 < cell.value < min_count:
            assert figure.suppressed
        if metric.guarded and (cell.basis or 0) < min_count:
            assert figure.suppressed


@settings(max_examples=50, deadline=None)
@given(grids())
def test_suppression_is_deterministic(grid: tuple[list[Cell], int]) -> None:
    cells, min_count = grid
    assert suppress(cells, min_count) == suppress(list(cells), min_count)


# --- the hub's check against the rules read literally -------------------------------------------


def literally(figures: list[Figure], min_count: int) -> list[tuple[int, str]]:
    """Spec section 6 read word for word, figure by figure: slow, and plainly right."""
    found = []
    for i, figure in enumerate(figures):
        metric = METRIC_BY_CODE[figure.metric]
        if figure.suppressed:
            continue
        if metric.person and 0 < figure.value < min_count:
            found.append((i, "person"))
        guards = [g for g in figures if (g.area, g.category, g.metric) == (figure.area, figure.category, metric.guard)]
        if guards and not guards[0].suppressed and guards[0].value < min_count:
            found.append((i, "guard"))
    for total in figures:
        if total.suppressed:
            continue
        groups = []
        if total.category == ALL_CATEGORIES:
            groups.append(lambda f, t=total: (f.area, f.metric) == (t.area, t.metric) and f.category != ALL_CATEGORIES)
        if area_level(total.area) == AreaLevel.WIJK:
            groups.append(
                lambda f, t=total: (
                    area_level(f.area) == AreaLevel.BUURT
                    and contains(t.area, f.area)
                    and (f.category, f.metric) == (t.category, t.metric)
                )
            )
        for in_group in groups:
            hidden = [i for i, f in enumerate(figures) if in_group(f) and f.suppressed]
            if len(hidden) == 1:
                found.append((hidden[0], "subtraction"))
    return sorted(found)


@st.composite
def published_figures(draw: st.DrawFn) -> tuple[list[Figure], int]:
    """Figures as a careless node might publish them: each triple once, anything suppressed, in any order."""
    min_count = draw(st.integers(min_value=3, max_value=8))
    areas = draw(
        st.lists(st.sampled_from((WIJK, "WK034403", "GM0344", *BUURTEN, "BU03440301")), unique=True, min_size=1)
    )
    categories = [ALL_CATEGORIES, *draw(st.lists(st.sampled_from(CATEGORY_CODES), unique=True, max_size=4))]
    metrics = draw(st.lists(st.sampled_from(METRICS), unique=True, min_size=1, max_size=6))
    figures = []
    for area in areas:
        for metric in metrics:
            for category in categories if metric.per_category else [ALL_CATEGORIES]:
                if draw(st.integers(0, 5)) == 0:
                    continue
                if draw(st.integers(0, 2)) == 0:
                    figures.append(Figure(area, category, metric.code, None, True))
                else:
                    value = draw(st.integers(0, 2 * min_count) | st.floats(0, 2 * min_count))
                    figures.append(Figure(area, category, metric.code, value, False))
    return draw(st.permutations(figures)), min_count


@settings(max_examples=1000, deadline=None)
@given(published_figures())
def test_the_hubs_check_finds_exactly_the_breaches_the_rules_name(case: tuple[list[Figure], int]) -> None:
    figures, min_count = case
    kinds = {"person count": "person", "published although": "guard", "subtraction": "subtraction"}
    for found in (
        violations(figures, min_count),
        violations(figures, min_count, {f.key: i for i, f in enumerate(figures)}),
    ):
        named = [(v.index, next(kind for words, kind in kinds.items() if words in v.message)) for v in found]
        assert sorted(named) == literally(figures, min_count)
        assert [v.index for v in found] == sorted(v.index for v in found)
