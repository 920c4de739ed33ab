"""Activities on a schedule: weekly coffee mornings, a monthly repair café, seasonal ones, with head counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from node.activities.models import Activity
from node.demo import texts
from node.demo.timeline import at_local, days
from node.demo.world import World
from node.extensions import db

WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
ALL_YEAR = tuple(range(1, 13))
NOT_IN_SUMMER = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)
MORE_IN_WINTER = (1.2, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.7, 0.9, 1.0, 1.1, 1.3)
MORE_IN_SUMMER = (0.6, 0.7, 0.9, 1.1, 1.3, 1.3, 1.2, 1.2, 1.2, 1.0, 0.8, 0.6)


@dataclass(frozen=True)
class Series:
    title: str
    category: str
    weekday: int  # 0 is Monday
    every: str
    participants: tuple[int, int]
    hour: float
    months: tuple[int, ...] = ALL_YEAR
    week_of_month: int = 1  # for monthly series: the first, second ... occurrence of the weekday; 5 is the last
    busy: tuple[float, ...] = (1.0,) * 12


SCHEDULE: tuple[Series, ...] = (
    Series("Koffieochtend", "social", 1, WEEKLY, (8, 22), 10, busy=MORE_IN_WINTER),
    Series("Repair café", "practical", 5, MONTHLY, (12, 35), 13, week_of_month=2),
    Series("Taalcafé", "information", 3, WEEKLY, (5, 14), 19.5, months=NOT_IN_SUMMER),
    Series("Wandelclub", "social", 2, WEEKLY, (6, 16), 10, busy=MORE_IN_SUMMER),
    Series("Buurtmaaltijd", "social", 4, MONTHLY, (18, 40), 18, months=tuple(range(1, 12)), week_of_month=5),
    Series("Kerstdiner", "social", 5, MONTHLY, (35, 70), 17, months=(12,), week_of_month=3),
    Series("Digicafé", "digital", 0, FORTNIGHTLY, (4, 12), 14),
    Series("Belastingspreekuur", "paperwork", 1, WEEKLY, (4, 12), 14, months=(2, 3, 4, 5)),
    Series("Energiecafé", "home_energy", 3, MONTHLY, (8, 25), 19.5, months=(10, 11, 12, 1, 2, 3)),
    Series("Tuindag", "garden", 5, MONTHLY, (8, 25), 10, months=(4, 5, 6, 7, 8, 9)),
    Series("Mantelzorgcafé", "light_care", 2, MONTHLY, (5, 15), 14, week_of_month=3),
)


def add_activities(world: World) -> int:
    """Every activity held from the first day of the span until now; the number added."""
    timeline = world.timeline
    placed = {s.title: (world.pick(texts.LOCATIONS), world.pick([*world.buurten, None])) for s in SCHEDULE}
    added = 0
    day = timeline.first_day
    while day <= timeline.today:
        for series in SCHEDULE:
            if not _held_on(series, day) or _skipped(world, day):
                continue
            finished = at_local(day, series.hour + 2)
            if finished > timeline.now:
                continue
            low, high = series.participants
            location, buurt = placed[series.title]
            db.session.add(
                Activity(
                    title=series.title,
                    category=series.category,
                    held_on=day,
                    buurt_code=buurt,
                    location=location,
                    participants=max(0, round(world.rng.randint(low, high) * series.busy[day.month - 1])),
                    organiser_id=_organiser(world, finished),
                    created_at=at_local(day - timedelta(days=world.rng.randint(7, 21)), world.rng.uniform(9, 17)),
                    # The head count is entered afterwards.
                    updated_at=min(finished + days(world.rng.uniform(0.1, 2)), timeline.now),
                )
            )
            added += 1
        day += timedelta(days=1)
    return added


def _held_on(series: Series, day: date) -> bool:
    if day.weekday() != series.weekday or day.month not in series.months:
        return False
    if series.every == WEEKLY:
        return True
    if series.every == FORTNIGHTLY:
        return day.isocalendar().week % 2 == 0
    occurrence = (day.day - 1) // 7 + 1
    if series.week_of_month == 5:
        return (day + timedelta(days=7)).month != day.month
    return occurrence == series.week_of_month


def _skipped(world: World, day: date) -> bool:
    """Holidays, and now and then a week nobody could open up."""
    if (day.month == 12 and day.day >= 24 and day.day != 31) or (day.month == 1 and day.day <= 2):
        return True
    return world.chance(0.06)


def _organiser(world: World, instant: datetime) -> int:
    if world.chance(0.6):
        return world.coordinator().member.id
    helpers = [p for p in world.volunteers if p.volunteer_since is not None and p.volunteer_since <= instant]
    return (world.pick(helpers) if helpers else world.coordinator()).member.id
