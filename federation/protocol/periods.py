"""Reporting periods: calendar months in the Europe/Amsterdam time zone (spec section 2).

A request made at 00:30 on 1 November in Utrecht belongs to November, even
though it is still 31 October in UTC; so months are cut at Amsterdam midnight
and turned into UTC instants for index-friendly range queries.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PERIOD_PATTERN = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """Not a `YYYY-MM` month."""


def parse_period(period: str) -> tuple[int, int]:
    """`"2026-10"` -> `(2026, 10)`; raises PeriodError otherwise."""
    # fullmatch: `$` alone also matches before a final newline ("2026-10\n").
    match = PERIOD_PATTERN.fullmatch(period) if isinstance(period, str) else None
    if not match:
        raise PeriodError(f"{period!r} is not a month in the form YYYY-MM")
    year = int(match.group(1))
    if year < 2000 or year > 2999:
        raise PeriodError(f"{period!r} is outside the years this protocol covers")
    return year, int(match.group(2))


def format_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def next_period(period: str) -> str:
    year, month = parse_period(period)
    return format_period(year + month // 12, month % 12 + 1)


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return format_period(year - (month == 1), 12 if month == 1 else month - 1)


def shift_period(period: str, months: int) -> str:
    """The month `months` later (earlier when negative)."""
    year, month = parse_period(period)
    index = year * 12 + month - 1 + months
    return format_period(index // 12, index % 12 + 1)


def period_start(period: str) -> datetime:
    """The first instant of the month in Amsterdam, as a UTC datetime."""
    year, month = parse_period(period)
    return datetime.combine(date(year, month, 1), time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def period_end(period: str) -> datetime:
    """The first instant of the following month (exclusive end), in UTC."""
    return period_start(next_period(period))


def period_of(instant: datetime) -> str:
    """The month an instant belongs to in Amsterdam."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: the month depends on the time zone")
    local = instant.astimezone(AMSTERDAM)
    return format_period(local.year, local.month)


def period_of_date(day: date) -> str:
    """The month of a calendar date (dates are already Amsterdam-local)."""
    return format_period(day.year, day.month)


def local_day_bound(instant: datetime) -> date:
    """The first Amsterdam calendar day not wholly before `instant` (an exclusive end for dates).

    Midnight of 1 November gives 1 November; 14:00 on 3 November gives
    4 November, so that the day in progress counts.
    """
    local = instant.astimezone(AMSTERDAM)
    day = local.date()
    return day if local.time() == time(0) else day + timedelta(days=1)


def periods_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, inclusive."""
    if parse_period(first) > parse_period(last):
        raise PeriodError(f"{first} comes after {last}")
    months = [first]
    while months[-1] != last:
        months.append(next_period(months[-1]))
    return months


def has_started(period: str, now: datetime) -> bool:
    """A month has started when `now` is at or after its first instant."""
    return now >= period_start(period)


def is_complete(period: str, issued_at: datetime) -> bool:
    """A report is complete iff issued at or after the first instant of the next month."""
    return issued_at >= period_end(period)
