"""Needs and gaps per wijk and category, counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from federation.hub.areas.models import ReferenceArea
from federation.hub.areas.services import seed_utrecht
from federation.hub.dashboards.needs import GapBound, Silence, needs_and_gaps, waiting_times
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from federation.hub.extensions import db
from federation.protocol.combine import Bound
from tests.federation.hub.dashboards.conftest import NOW, HubData, fig
from wijknet.errors import InvalidInput

SEP_OCT = PeriodSelection.range("2026-09", "2026-10")
UTRECHT = AreaSelection.area("GM0344")


@pytest.fixture
def needs(hub: HubData) -> HubData:
    hub.node("west", ("WK034401",))
    hub.node("noordwest", ("WK034402",))
    hub.node("overvecht", ("WK034403",), enrolled_at=datetime(2026, 10, 15, tzinfo=UTC))  # never reports
    w, s = "WK034401", "shopping"
    hub.report("west", "2026-09", [
        fig(w, "requests_new", 12), fig(w, "requests_new", 5, s), fig(w, "requests_open_end", 6),
        fig(w, "offers_active", 2), fig(w, "volunteers_active", 6), fig(w, "days_to_match_median", 3.5),
    ])  # fmt: skip
    hub.report("west", "2026-10", [
        fig(w, "requests_new", 8), fig(w, "requests_new", 0, s), fig(w, "requests_open_end", 9),
        fig(w, "requests_open_end", 5, s), fig(w, "offers_active", 4), fig(w, "offers_active", 5, s),
        fig(w, "volunteers_active", 7), fig(w, "days_to_match_median", 6), fig(w, "days_to_match_median", None, s),
    ])  # fmt: skip
    n = "WK034402"
    hub.report("noordwest", "2026-09", [
        fig(n, "requests_new", 10), fig(n, "requests_open_end", 4), fig(n, "offers_active", 3),
    ])  # fmt: skip
    hub.report("noordwest", "2026-10", [
        fig(n, "requests_new", 20), fig(n, "requests_open_end", None), fig(n, "offers_active", 3),
    ])  # fmt: skip
    with hub.app.app_context():
        seed_utrecht("tests")
        db.session.get(ReferenceArea, "WK034401").population = 2000
        db.session.commit()
    return hub


def test_needs_and_gaps_per_wijk_and_category(needs: HubData) -> None:
    with needs.app.app_context():
        found = needs_and_gaps(Scope.everything(), SEP_OCT, UTRECHT, now=NOW)
    rows = {(r.wijk, r.category): r for r in found.rows}
    west = rows[("WK034401", "_all")]
    assert (west.name, west.demand.text(), west.open_requests.text(), west.supply.text()) == ("West", "20", "9", "4")
    assert west.gap.value == 5 and west.gap.bound == GapBound.EXACT
    assert west.volunteers.text() == "≥ 7" and Bound.LARGEST_MONTH in west.volunteers.bounds
    assert west.demand_per_1000.value == Decimal("10.00")
    assert (west.waiting.lowest, west.waiting.highest, west.waiting.reported) == (Decimal("3.5"), Decimal(6), 2)
    shopping = rows[("WK034401", "shopping")]
    assert (shopping.demand.text(), shopping.gap.value, shopping.gap.bound) == ("5", 0, GapBound.EXACT)
    assert (shopping.waiting.reported, shopping.waiting.suppressed) == (0, 1)
    noordwest = rows[("WK034402", "_all")]
    assert noordwest.open_requests.text() == "≥ 0" and noordwest.gap.bound == GapBound.AT_LEAST
    assert noordwest.gap.uncertain and noordwest.gap.value == -3
    assert [r.wijk for r in found.largest_unmet] == ["WK034401"]
    assert found.categories[0] == "_all" and len(found.categories) == 12
    assert "not the median" in found.waiting_note


def test_the_wijken_where_no_cooperative_reports(needs: HubData) -> None:
    with needs.app.app_context():
        found = needs_and_gaps(Scope.everything(), SEP_OCT, UTRECHT, "shopping", now=NOW)
    silent = {s.code: s for s in found.silent}
    assert silent["WK034403"].reason == Silence.NOTHING_REPORTED and silent["WK034403"].nodes == ["overvecht"]
    assert sorted(c for c, s in silent.items() if s.reason == Silence.NO_NODE) == [
        f"WK0344{n:02d}" for n in range(4, 11)
    ]
    assert silent["WK034410"].name == "Vleuten-De Meern"
    overvecht = next(r for r in found.rows if r.wijk == "WK034403")
    assert overvecht.demand.text() == "—" and overvecht.demand.missing == 1  # October should have come
    assert found.ranked_category == "shopping" and found.without_reference == []


def test_waiting_times_are_shown_per_node_and_month(needs: HubData) -> None:
    with needs.app.app_context():
        found = waiting_times(Scope.everything(), SEP_OCT, AreaSelection.area("WK034401"), now=NOW)
        with pytest.raises(InvalidInput):
            needs_and_gaps(Scope.everything(), SEP_OCT, AreaSelection.area("BU03440101"), now=NOW)
    assert [(w.node_id, w.cell.period, w.cell.value) for w in found] == [
        ("west", "2026-09", Decimal("3.5")),
        ("west", "2026-10", Decimal(6)),
    ]


def test_a_municipality_without_reference_wijken_is_named(hub: HubData) -> None:
    hub.node("amsterdam", ("WK036301",), municipality="GM0363")
    hub.report("amsterdam", "2026-10", [fig("WK036301", "requests_new", 9)])
    with hub.app.app_context():
        found = needs_and_gaps(Scope.only("GM0363"), SEP_OCT, AreaSelection.city(), now=NOW)
    assert found.without_reference == ["GM0363"]
    assert [(r.wijk, r.demand.text()) for r in found.rows if r.category == "_all"] == [("WK036301", "≥ 9")]
