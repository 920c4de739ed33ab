"""Keeping `VolunteerActivity` true: the months in which each member was active, per category.

A member is active in a category in a month (Amsterdam) when they accepted a
match in it then (`responded_at`, the match still accepted, completed or
withdrawn later) or logged unpaid hours in it on a day of that month. The
services that change matches and hours call `refresh_activity` for the months
they touch; it works the bit out again from the matches and hours themselves,
so calling it once too often does no harm.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from federation.protocol.periods import next_period, parse_period, period_end, period_of, period_of_date, period_start
from node.extensions import db
from node.matching.models import Match
from node.sql import dialect_name
from node.work.models import TimeLog, VolunteerActivity
from schemas.node.codes import MatchStatus

# A match counts from its acceptance on, whatever became of it later.
COUNTED_MATCH_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED, MatchStatus.WITHDRAWN)
ALL_MONTHS = 0b1111_1111_1111

Activity = tuple[int, str, str]  # member, category, month ("2026-10")


def month_bit(period: str) -> int:
    return 1 << (parse_period(period)[1] - 1)


def refresh_activity(member_id: int, category: str, period: str) -> None:
    """Set or clear the member's month in `category` from what the matches and hours say now."""
    first_day, next_day = _first_day(period), _first_day(next_period(period))
    accepted = exists().where(
        Match.volunteer_id == member_id,
        Match.category == category,
        Match.status.in_(COUNTED_MATCH_STATUSES),
        Match.responded_at >= period_start(period),
        Match.responded_at < period_end(period),
    )
    logged = exists().where(
        TimeLog.member_id == member_id,
        TimeLog.category == category,
        TimeLog.paid.is_(False),
        TimeLog.worked_on >= first_day,
        TimeLog.worked_on < next_day,
    )
    year, bit = parse_period(period)[0], month_bit(period)
    key = (
        VolunteerActivity.member_id == member_id,
        VolunteerActivity.category == category,
        VolunteerActivity.year == year,
    )
    if db.session.scalar(select(or_(accepted, logged))):
        # One statement, so that two requests setting months of the same year cannot undo each other.
        insert = postgresql.insert if dialect_name() == "postgresql" else sqlite.insert
        db.session.execute(
            insert(VolunteerActivity)
            .values(member_id=member_id, category=category, year=year, months=bit)
            .on_conflict_do_update(
                index_elements=["member_id", "category", "year"],
                set_={"months": VolunteerActivity.months.op("|")(bit)},
            )
        )
    else:
        db.session.execute(delete(VolunteerActivity).where(*key, VolunteerActivity.months == bit))
        db.session.execute(
            update(VolunteerActivity).where(*key).values(months=VolunteerActivity.months.op("&")(ALL_MONTHS - bit))
        )


def refresh_activities(activities: Iterable[Activity]) -> None:
    for member_id, category, period in sorted(set(activities)):
        refresh_activity(member_id, category, period)


def match_activities(match_ids: list[int], categories: Iterable[str]) -> list[Activity]:
    """The months the accepted ones of these matches, and the unpaid hours on them, count in, per category."""
    accepted = db.session.execute(
        select(Match.volunteer_id, Match.responded_at).where(
            Match.id.in_(match_ids), Match.status.in_(COUNTED_MATCH_STATUSES), Match.responded_at.is_not(None)
        )
    ).all()
    logged = db.session.execute(
        select(TimeLog.member_id, TimeLog.worked_on).where(TimeLog.match_id.in_(match_ids), TimeLog.paid.is_(False))
    ).all()
    months = {(m, period_of(at)) for m, at in accepted} | {(m, period_of_date(day)) for m, day in logged}
    return [(member, category, period) for category in categories for member, period in months]


def log_activity(log: TimeLog) -> Activity:
    return (log.member_id, log.category, period_of_date(log.worked_on))


def activity_rows(activities: Iterable[Activity]) -> list[dict[str, int | str]]:
    """`VolunteerActivity` rows for these activities (for writing a node's rows in bulk)."""
    masks: dict[tuple[int, str, int], int] = {}
    for member_id, category, period in activities:
        key = (member_id, category, parse_period(period)[0])
        masks[key] = masks.get(key, 0) | month_bit(period)
    return [{"member_id": m, "category": c, "year": y, "months": months} for (m, c, y), months in sorted(masks.items())]


def rebuild_activity() -> None:
    """Every row anew from all matches and hours, for data written straight through the models (examples)."""
    accepted = db.session.execute(
        select(Match.volunteer_id, Match.category, Match.responded_at).where(
            Match.status.in_(COUNTED_MATCH_STATUSES), Match.responded_at.is_not(None)
        )
    )
    logged = db.session.execute(
        select(TimeLog.member_id, TimeLog.category, TimeLog.worked_on).where(TimeLog.paid.is_(False))
    )
    activities = [(m, c, period_of(at)) for m, c, at in accepted] + [(m, c, period_of_date(d)) for m, c, d in logged]
    db.session.execute(delete(VolunteerActivity))
    rows = activity_rows(activities)
    if rows:
        db.session.execute(VolunteerActivity.__table__.insert(), rows)


def _first_day(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, 1)
