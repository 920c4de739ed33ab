"""Reporting months are cut at Amsterdam midnight (spec section 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from federation.protocol.periods import (
    PeriodError,
    is_complete,
    local_day_bound,
    next_period,
    parse_period,
    period_end,
    period_of,
    period_start,
    periods_between,
    previous_period,
    shift_period,
)


def test_month_starts_at_amsterdam_midnight_in_winter_and_summer() -> None:
    assert period_start("2026-01") == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert period_start("2026-07") == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert period_end("2026-03") == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # after the clocks go forward


def test_instant_belongs_to_the_amsterdam_month() -> None:
    assert period_of(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "2026-11"
    assert period_of(datetime(2026, 10, 31, 22, 59, tzinfo=UTC)) == "2026-10"
    with pytest.raises(ValueError, match="naive"):
        period_of(datetime(2026, 10, 31, 23, 30))


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "26-01", "2026-1", "1999-12", "", None, "2026-01 "])
def test_malformed_periods_are_refused(bad: object) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)  # type: ignore[arg-type]


def test_neighbouring_months() -> None:
    assert next_period("2026-12") == "2027-01"
    assert previous_period("2026-01") == "2025-12"
    assert shift_period("2026-11", -18) == "2025-05"
    assert periods_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(PeriodError):
        periods_between("2026-02", "2026-01")


def test_report_is_complete_only_after_the_month() -> None:
    assert not is_complete("2026-10", datetime(2026, 10, 31, 22, 59, tzinfo=UTC))
    assert is_complete("2026-10", datetime(2026, 10, 31, 23, 0, tzinfo=UTC))


def test_local_day_bound_counts_the_day_in_progress() -> None:
    assert local_day_bound(period_start("2026-11")) == date(2026, 11, 1)
    assert local_day_bound(datetime(2026, 11, 3, 13, 0, tzinfo=UTC)) == date(2026, 11, 4)


@given(st.integers(2003, 2996), st.integers(1, 12), st.integers(-24, 24))
def test_shifting_round_trips(year: int, month: int, months: int) -> None:
    period = f"{year:04d}-{month:02d}"
    assert shift_period(shift_period(period, months), -months) == period
    assert period_of(period_start(period)) == period
    assert period_start(next_period(period)) == period_end(period)
