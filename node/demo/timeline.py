"""The span the example data covers, and turning Amsterdam days and hours into UTC instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from federation.protocol.periods import AMSTERDAM, period_of, period_start, periods_between, shift_period


class PastNow(Exception):
    """A story reached an event after `now`: what it would do next has not happened yet."""


@dataclass(frozen=True)
class Timeline:
    """From the first instant of the first month to `now`."""

    start: datetime
    now: datetime

    @classmethod
    def ending(cls, now: datetime, months: int) -> Timeline:
        """The `months` whole months before `now`'s month, and that month up to `now`."""
        if now.tzinfo is None:
            raise ValueError("naive datetime: give `now` as an aware UTC instant")
        if months < 1:
            raise ValueError("the example data covers at least one month")
        return cls(period_start(shift_period(period_of(now), -months)), now.astimezone(UTC))

    @property
    def first_day(self) -> date:
        return local_date(self.start)

    @property
    def today(self) -> date:
        return local_date(self.now)

    def periods(self) -> list[str]:
        return periods_between(period_of(self.start), period_of(self.now))

    def fraction(self, share: float) -> datetime:
        """The instant `share` (0..1) of the way from start to now."""
        return self.start + (self.now - self.start) * share

    def check(self, instant: datetime) -> datetime:
        """`instant` itself, or PastNow if it has not happened yet."""
        if instant > self.now:
            raise PastNow
        return instant


def local_date(instant: datetime) -> date:
    """The Amsterdam calendar day of an instant."""
    return instant.astimezone(AMSTERDAM).date()


def at_local(day: date, hour: float) -> datetime:
    """`hour` o'clock (fractions are minutes) on an Amsterdam day, as a UTC instant."""
    minutes = round(hour * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


def office_hours(rng: Random, day: date, first: float = 8.5, last: float = 20.0) -> datetime:
    """A plausible moment on `day` for someone to do something: between `first` and `last` o'clock."""
    return at_local(day, rng.uniform(first, last))


def days(value: float) -> timedelta:
    return timedelta(days=value)


def month_days(period: str) -> tuple[date, date]:
    """The first day of a month and the first day of the next, as Amsterdam dates."""
    first = local_date(period_start(period))
    following = local_date(period_start(shift_period(period, 1)))
    return first, following
