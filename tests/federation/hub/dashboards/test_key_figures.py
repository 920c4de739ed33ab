"""Key figures, trends and per-area tables: combined over nodes and months by the rules, counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from federation.hub.areas.models import ReferenceArea
from federation.hub.areas.services import seed_utrecht
from federation.hub.dashboards.by_area import Breakdown, by_area
from federation.hub.dashboards.key_figures import KeyFigures, key_figures, trend
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from federation.hub.extensions import db
from federation.hub.figures.models import FigureTotal
from federation.hub.figures.totals import rebuild_totals
from federation.protocol.areas import AreaLevel
from federation.protocol.combine import Bound, Unavailable
from tests.federation.hub.dashboards.conftest import NOW, HubData, fig
from wijknet.errors import InvalidInput, NotFound, PermissionDenied

EVERYTHING = Scope.everything()
SEP_OCT = PeriodSelection.range("2026-09", "2026-10")
OCTOBER = PeriodSelection.month("2026-10")


@pytest.fixture
def city(hub: HubData) -> HubData:
    """Four nodes: one reporting its wijk and two buurten, one a wijk, one two buurten only, one in Amsterdam."""
    hub.node("west", ("WK034401",))
    hub.node("noordwest", ("WK034402",))
    hub.node("overvecht-zuid", ("BU03440301", "BU03440302"), enrolled_at=datetime(2026, 10, 2, tzinfo=UTC))
    hub.node("amsterdam", ("WK036301",), municipality="GM0363", enrolled_at=datetime(2026, 10, 1, tzinfo=UTC))
    hub.report("west", "2026-09", [
        fig("WK034401", "requests_new", 30), fig("BU03440101", "requests_new", 10),
        fig("BU03440102", "requests_new", 20),
        fig("WK034401", "requests_open_end", 12), fig("WK034401", "volunteers_active", 9),
        fig("WK034401", "volunteer_hours", 40.5), fig("WK034401", "days_to_match_median", 4.5),
    ])  # fmt: skip
    hub.report("west", "2026-10", [
        fig("WK034401", "requests_new", 20), fig("BU03440101", "requests_new", None),
        fig("BU03440102", "requests_new", 16), fig("WK034401", "requests_open_end", 8),
        fig("WK034401", "volunteers_active", 11), fig("WK034401", "volunteer_hours", 50.25),
        fig("WK034401", "days_to_match_median", 3),
    ])  # fmt: skip
    hub.report("noordwest", "2026-09", [
        fig("WK034402", "requests_new", 25), fig("WK034402", "requests_open_end", 5),
        fig("WK034402", "volunteers_active", 6),
    ])  # fmt: skip
    hub.report("noordwest", "2026-10", [
        fig("WK034402", "requests_new", None), fig("WK034402", "requests_open_end", 7),
        fig("WK034402", "volunteers_active", 5),
    ])  # fmt: skip
    hub.report("overvecht-zuid", "2026-10", [
        fig("BU03440301", "requests_new", 7), fig("BU03440302", "requests_new", 8),
        fig("BU03440301", "requests_open_end", 0), fig("BU03440302", "requests_open_end", 6),
    ])  # fmt: skip
    hub.report("amsterdam", "2026-10", [fig("WK036301", "requests_new", 100)])
    return hub


def figures_of(found: KeyFigures) -> dict[str, str]:
    return {f.metric.code: f.total.text() for f in found.figures}


def test_the_city_combines_each_metric_by_its_kind(city: HubData) -> None:
    with city.app.app_context():
        found = figures_of(key_figures(EVERYTHING, SEP_OCT, AreaSelection.city(), now=NOW))
    assert found["requests_new"] == "≥ 190"  # 30 + 25, then 20 + (suppressed) + 7 + 8 + 100; west's buurten not again
    assert found["requests_open_end"] == "21"  # a stock: October only, 8 + 7 + 0 + 6
    assert found["volunteers_active"] == "≥ 16"  # never added over months: the larger month, 11 + 5
    assert found["volunteer_hours"] == "90.75"
    assert found["days_to_match_median"] == "—"  # statistics never combine
    assert found["members_total"] == "—"


def test_a_hub_without_nodes_has_no_figures_yet(hub: HubData) -> None:
    with hub.app.app_context():
        found = key_figures(EVERYTHING, SEP_OCT, AreaSelection.city(), now=NOW)
        wijken = by_area(EVERYTHING, SEP_OCT, AreaSelection.city(), "requests_new", now=NOW)
    assert {f.total.unavailable for f in found.figures} == {Unavailable.NO_DATA} and found.area.nodes == 0
    assert wijken.rows == []


def test_a_wijk_reported_with_its_buurten_counts_once(city: HubData) -> None:
    with city.app.app_context():
        wijk = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034401"), now=NOW)
        buurten_only = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034403"), now=NOW)
        buurt = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("BU03440102"), now=NOW)
        hidden = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("BU03440101"), now=NOW)
        node = key_figures(EVERYTHING, SEP_OCT, AreaSelection.node("west"), now=NOW)
    assert figures_of(wijk)["requests_new"] == "20"
    assert figures_of(wijk)["days_to_match_median"] == "3"  # one node, one month: its median
    assert figures_of(buurten_only)["requests_new"] == "15"  # a node without a wijk figure: its buurten add
    assert figures_of(buurt)["requests_new"] == "16"
    assert figures_of(hidden)["requests_new"] == "≥ 0"
    assert figures_of(node)["requests_new"] == "50" and node.area.name == "Coöperatie west"


def test_a_missing_month_makes_a_lower_bound(city: HubData) -> None:
    with city.app.app_context():
        found = key_figures(
            EVERYTHING, PeriodSelection.range("2026-08", "2026-10"), AreaSelection.area("WK034401"), now=NOW
        )
    requests = next(f.total for f in found.figures if f.metric.code == "requests_new")
    assert requests.value == 50 and requests.bounds == {Bound.MISSING} and requests.missing == 1
    assert (found.reporting.expected, found.reporting.missing) == (3, 1)


def test_a_municipality_sees_its_own_figures_only(city: HubData) -> None:
    amsterdam = Scope.only("GM0363")
    with city.app.app_context():
        assert figures_of(key_figures(amsterdam, OCTOBER, AreaSelection.city(), now=NOW))["requests_new"] == "100"
        utrecht = figures_of(key_figures(Scope.only("GM0344"), OCTOBER, AreaSelection.city(), now=NOW))
        assert utrecht["requests_new"] == "≥ 35"
        with pytest.raises(PermissionDenied):
            key_figures(amsterdam, OCTOBER, AreaSelection.area("WK034401"), now=NOW)
        with pytest.raises(NotFound):
            key_figures(amsterdam, OCTOBER, AreaSelection.node("west"), now=NOW)
        rows = by_area(amsterdam, OCTOBER, AreaSelection.city(), "requests_new", now=NOW).rows
        assert [r.code for r in rows] == ["WK036301"]


def test_rates_per_thousand_where_the_population_is_known(city: HubData) -> None:
    """A wijk's rate is per its inhabitants; a municipality's per those of the areas its cooperatives report on."""

    def area(code: str, level: AreaLevel, population: int, parent: str | None) -> ReferenceArea:
        return ReferenceArea(code=code, name=f"Gebied {code}", level=level, parent_code=parent, population=population,
                             population_year=2024, source="test figures")  # fmt: skip

    with city.app.app_context():
        db.session.add_all([
            area("GM0344", AreaLevel.MUNICIPALITY, 7000, None),  # most of it served by no cooperative
            area("WK034401", AreaLevel.WIJK, 300, "GM0344"),
            area("WK034402", AreaLevel.WIJK, 200, "GM0344"),
            area("WK034403", AreaLevel.WIJK, 900, "GM0344"),  # overvecht-zuid reports two of its buurten only
            area("BU03440301", AreaLevel.BUURT, 50, "WK034403"),
            area("BU03440302", AreaLevel.BUURT, 50, "WK034403"),
        ])  # fmt: skip
        db.session.commit()
        wijk = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034401"), now=NOW)
        municipality = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("GM0344"), now=NOW)
        without = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("BU03440101"), now=NOW)
    rates = {f.metric.code: f.per_1000 for f in wijk.figures}
    assert rates["requests_new"].value == Decimal("66.67") and not rates["requests_new"].lower_bound
    assert rates["days_to_match_median"] is None  # a median per inhabitant means nothing
    assert wijk.area.population.inhabitants == 300 and not wijk.area.covered_only
    assert municipality.area.population.inhabitants == 600 and municipality.area.covered_only  # 300 + 200 + 50 + 50
    bound = next(f.per_1000 for f in municipality.figures if f.metric.code == "requests_new")
    assert bound.text() == "≥ 58.33"  # 35 and more, per 600 inhabitants (not per 7,000)
    assert all(f.per_1000 is None for f in without.figures)  # a buurt without a population


def test_a_trend_gives_each_month_its_own_figure(city: HubData) -> None:
    with city.app.app_context():
        found = trend(EVERYTHING, SEP_OCT, AreaSelection.city(), metrics=["requests_new", "volunteers_active"], now=NOW)
    series = {s.metric.code: [(p.period, p.total.text()) for p in s.points] for s in found.series}
    assert series == {
        "requests_new": [("2026-09", "55"), ("2026-10", "≥ 135")],
        "volunteers_active": [("2026-09", "15"), ("2026-10", "16")],  # one month each: exact
    }


def test_categories_are_read_not_added_and_all_only_metrics_say_so(city: HubData) -> None:
    city.report("noordwest", "2026-10", [
        fig("WK034402", "requests_new", 40), fig("WK034402", "requests_new", 12, "shopping"),
        fig("WK034402", "requests_new", None, "garden"), fig("WK034402", "requests_new", None, "social"),
        fig("WK034402", "members_total", 80),
    ])  # fmt: skip
    with city.app.app_context():
        everything = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034402"), now=NOW)
        shopping = key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034402"), "shopping", now=NOW)
        with pytest.raises(InvalidInput):
            key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034402"), "knitting", now=NOW)
    assert figures_of(everything)["requests_new"] == "40"  # the `_all` figure, not 12 + the suppressed ones
    assert figures_of(shopping)["requests_new"] == "12"
    members = next(f.total for f in shopping.figures if f.metric.code == "members_total")
    assert members.unavailable == Unavailable.NOT_PER_CATEGORY


def test_by_area_lists_every_known_wijk_and_each_part_by_the_rules(city: HubData) -> None:
    with city.app.app_context():
        seed_utrecht("tests")
        db.session.commit()
        wijken = by_area(EVERYTHING, OCTOBER, AreaSelection.area("GM0344"), "requests_new", now=NOW)
        buurten = by_area(EVERYTHING, OCTOBER, AreaSelection.area("WK034401"), "requests_new", now=NOW)
        nodes = by_area(
            EVERYTHING, OCTOBER, AreaSelection.area("GM0344"), "requests_new", breakdown=Breakdown.NODE, now=NOW
        )
        with pytest.raises(InvalidInput):
            by_area(EVERYTHING, OCTOBER, AreaSelection.area("GM0344"), "requests_new", breakdown=Breakdown.BUURT)
    rows = {r.code: r for r in wijken.rows}
    assert len(rows) == 10 and rows["WK034401"].name == "West"
    assert rows["WK034401"].total.text() == "20" and rows["WK034402"].total.text() == "≥ 0"
    assert rows["WK034403"].total.text() == "15" and rows["WK034403"].nodes == 1
    assert rows["WK034405"].total.unavailable == Unavailable.NO_DATA and rows["WK034405"].nodes == 0
    assert {r.code: r.total.text() for r in buurten.rows} == {"BU03440101": "≥ 0", "BU03440102": "16"}
    assert {r.code: r.total.text() for r in nodes.rows} == {"noordwest": "≥ 0", "overvecht-zuid": "15", "west": "20"}


def test_the_totals_kept_by_the_projection_equal_totals_made_anew(city: HubData) -> None:
    # A revision that drops the buurten and one that suppresses a wijk figure; then every total is compared.
    city.report("west", "2026-10", [fig("WK034401", "requests_new", 22), fig("WK034401", "days_to_match_median", 2)])
    city.report(
        "noordwest", "2026-09", [fig("WK034402", "requests_new", None), fig("WK034402", "volunteers_active", 6)]
    )
    with city.app.app_context():
        found = figures_of(key_figures(EVERYTHING, OCTOBER, AreaSelection.area("WK034401"), now=NOW))
        kept = {(t.area, t.category, t.period, t.metric): t for t in db.session.scalars(select(FigureTotal))}
        kept = {
            k: (t.cells, t.suppressed, t.value_millionths, t.lowest_millionths, t.highest_millionths)
            for k, t in kept.items()
        }
        rebuild_totals()
        anew = {
            (t.area, t.category, t.period, t.metric): (
                t.cells,
                t.suppressed,
                t.value_millionths,
                t.lowest_millionths,
                t.highest_millionths,
            )
            for t in db.session.scalars(select(FigureTotal))
        }
    assert found["requests_new"] == "22"
    assert kept == anew and ("GM0344", "_all", "2026-10", "days_to_match_median") in kept
