"""Reporting completeness around the deadline, and revisions that came after a municipal report was made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from federation.hub.dashboards.completeness import ReportingState, completeness, revisions_after
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from tests.federation.hub.dashboards.conftest import HubData, fig

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)  # before October's deadline (the 10th of November)
APRIL_TO_OCTOBER = PeriodSelection.range("2026-04", "2026-10")
FIGURES = [fig("WK034401", "requests_new", 12)]


@pytest.fixture
def reports(hub: HubData) -> HubData:
    hub.node("west", ("WK034401",), enrolled_at=datetime(2026, 5, 15, 9, 0, tzinfo=UTC))
    hub.node("oost", ("WK034405",), enrolled_at=datetime(2026, 5, 1, tzinfo=UTC),
             suspended_at=datetime(2026, 8, 20, tzinfo=UTC))  # fmt: skip
    # The deadline for September is the end of 10 October in Amsterdam: 22:00 UTC in summer time.
    hub.report("west", "2026-09", FIGURES, received_at=datetime(2026, 10, 10, 21, 59, 59, tzinfo=UTC))
    hub.report("west", "2026-09", FIGURES, received_at=datetime(2026, 11, 3, tzinfo=UTC))  # a revision
    hub.report("west", "2026-08", FIGURES, received_at=datetime(2026, 9, 10, 22, 0, 1, tzinfo=UTC))
    hub.report("west", "2026-07", FIGURES, received_at=datetime(2026, 7, 20, tzinfo=UTC), complete=False)
    hub.report("oost", "2026-07", FIGURES, received_at=datetime(2026, 8, 2, tzinfo=UTC))
    return hub


def states(found, node_id: str) -> dict[str, ReportingState]:
    node = next(n for n in found.nodes if n.node_id == node_id)
    return {m.period: m.state for m in node.months}


def test_each_month_on_time_late_partial_missing_or_awaited(reports: HubData) -> None:
    with reports.app.app_context():
        found = completeness(Scope.everything(), APRIL_TO_OCTOBER, AreaSelection.city(), deadline_day=10, now=NOW)
    assert states(found, "west") == {
        "2026-04": ReportingState.NOT_EXPECTED,  # before it joined
        "2026-05": ReportingState.MISSING,
        "2026-06": ReportingState.MISSING,
        "2026-07": ReportingState.PARTIAL,  # only a report made before the month was over
        "2026-08": ReportingState.LATE,  # one second after the deadline
        "2026-09": ReportingState.ON_TIME,  # one second before it; the revision after it changes nothing
        "2026-10": ReportingState.AWAITED,  # its deadline is 10 November
    }
    assert states(found, "oost")["2026-08"] == ReportingState.MISSING  # the month it was suspended in
    assert states(found, "oost")["2026-09"] == ReportingState.NOT_EXPECTED
    october = found.by_month[-1]
    assert october.expected == 1 and october.on_time_share is None
    september = found.by_month[-2]
    assert september.states == {ReportingState.ON_TIME: 1} and september.on_time_share == 1.0


def test_a_later_deadline_day_makes_a_late_month_on_time(reports: HubData) -> None:
    with reports.app.app_context():
        found = completeness(Scope.everything(), APRIL_TO_OCTOBER, AreaSelection.city(), deadline_day=12, now=NOW)
    assert states(found, "west")["2026-08"] == ReportingState.ON_TIME


def test_revisions_after_the_municipal_report_are_flagged(reports: HubData) -> None:
    made = datetime(2026, 11, 1, tzinfo=UTC)
    with reports.app.app_context():
        found = completeness(
            Scope.everything(), APRIL_TO_OCTOBER, AreaSelection.city(), deadline_day=10, flag_after=made, now=NOW
        )
        later = revisions_after(Scope.everything(), APRIL_TO_OCTOBER, made)
        other_municipality = revisions_after(Scope.only("GM0363"), APRIL_TO_OCTOBER, made)
    west = {m.period: m for m in next(n for n in found.nodes if n.node_id == "west").months}
    assert west["2026-09"].changed_after and west["2026-09"].reports == 2 and west["2026-09"].revision == 2
    assert not west["2026-08"].changed_after
    assert [(r.node_id, r.period, r.revision) for r in later] == [("west", "2026-09", 2)]
    assert other_municipality == []


def test_a_municipality_sees_the_completeness_of_its_own_nodes(reports: HubData) -> None:
    reports.node("zuid", ("WK036307",), municipality="GM0363")
    with reports.app.app_context():
        found = completeness(Scope.only("GM0363"), APRIL_TO_OCTOBER, AreaSelection.city(), deadline_day=10, now=NOW)
    assert [n.node_id for n in found.nodes] == ["zuid"]
