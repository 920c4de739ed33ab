"""The dashboards' selections: periods, areas, scopes and categories, and their text forms for URLs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.dashboards.selection import (
    AreaKind,
    AreaSelection,
    PeriodKind,
    PeriodSelection,
    Scope,
    check_category,
)
from wijknet.errors import InvalidInput, PermissionDenied


@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2026-10", PeriodKind.MONTH, "2026-10", "2026-10"),
        ("2026-Q4", PeriodKind.QUARTER, "2026-10", "2026-12"),
        ("2026-Q1", PeriodKind.QUARTER, "2026-01", "2026-03"),
        ("2026", PeriodKind.YEAR, "2026-01", "2026-12"),
        ("2025-11..2026-02", PeriodKind.RANGE, "2025-11", "2026-02"),
    ],
)
def test_periods_parse_and_say_themselves_back(text: str, kind: PeriodKind, first: str, last: str) -> None:
    period = PeriodSelection.parse(text)
    assert (period.kind, period.first, period.last, period.key) == (kind, first, last, text)


def test_months_of_a_period_and_those_begun() -> None:
    assert PeriodSelection.parse("2025-11..2026-02").months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # 23:30 UTC on 31 October is already November in Amsterdam.
    assert PeriodSelection.parse("2026-Q4").months_started(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == [
        "2026-10",
        "2026-11",
    ]


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-03..2026-01", "2000-01..2012-01", "oct", "2026-10-01"])
def test_bad_periods_are_refused_as_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        PeriodSelection.parse(text)


def test_areas_parse_and_check_the_callers_municipality() -> None:
    assert AreaSelection.parse("city") == AreaSelection.city()
    assert AreaSelection.parse("WK034402").kind == AreaKind.WIJK
    assert AreaSelection.parse("BU03440201").municipality == "GM0344"
    assert AreaSelection.parse("node:zuilen") == AreaSelection(AreaKind.NODE, "zuilen")
    assert AreaSelection.parse("node:zuilen").key == "node:zuilen"
    for bad in ("WK34", "node:Zuilen!", ""):
        with pytest.raises(InvalidInput):
            AreaSelection.parse(bad)
    AreaSelection.parse("WK034402").require_visible(Scope.only("GM0344"))
    with pytest.raises(PermissionDenied):
        AreaSelection.parse("WK034402").require_visible(Scope.only("GM0363"))


def test_the_scope_of_an_actor() -> None:
    municipality = HubActor(user_id=3, token_id=None, role=HubRole.MUNICIPALITY, municipality="GM0344", label="u")
    analyst = HubActor(user_id=4, token_id=None, role=HubRole.ANALYST, municipality=None, label="a")
    assert Scope.of(municipality) == Scope.only("GM0344")
    assert Scope.of(analyst).allows("GM0363") and not Scope.of(municipality).allows("GM0363")


def test_categories_come_from_the_code_list() -> None:
    assert check_category("_all") == "_all" and check_category("garden") == "garden"
    with pytest.raises(InvalidInput):
        check_category("knitting")
