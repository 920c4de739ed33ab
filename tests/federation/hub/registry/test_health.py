"""A node's delivery health: healthy, late, silent or awaiting its first report, at fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.hub.registry.health import DeliveryHealth, deadline, delivery_health

ENROLLED = datetime(2026, 1, 5, 12, tzinfo=UTC)


def health(now: datetime, last_complete: str | None, received: datetime | None) -> DeliveryHealth:
    return delivery_health(
        last_complete_period=last_complete,
        last_received_at=received,
        enrolled_at=ENROLLED,
        now=now,
        deadline_day=10,
    )


def test_the_deadline_is_the_end_of_the_tenth_in_amsterdam() -> None:
    assert deadline("2026-10", 10) == datetime(2026, 11, 10, 23, tzinfo=UTC)  # winter time: UTC+1
    assert deadline("2026-05", 10) == datetime(2026, 6, 10, 22, tzinfo=UTC)  # summer time: UTC+2
    assert deadline("2026-12", 10) == datetime(2027, 1, 10, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "last_complete", "received", "expected"),
    [
        # Last month's complete report is in: healthy, whatever the day.
        (datetime(2026, 11, 20, tzinfo=UTC), "2026-10", datetime(2026, 11, 1, 3, tzinfo=UTC), "healthy"),
        (datetime(2026, 11, 2, tzinfo=UTC), "2026-10", datetime(2026, 11, 1, 3, tzinfo=UTC), "healthy"),
        # Before the deadline the month before last is enough; after it, not.
        (datetime(2026, 11, 10, 22, tzinfo=UTC), "2026-09", datetime(2026, 11, 9, tzinfo=UTC), "healthy"),
        (datetime(2026, 11, 10, 23, tzinfo=UTC), "2026-09", datetime(2026, 11, 9, tzinfo=UTC), "late"),
        # Only partial reports of the running month, or old ones: late.
        (datetime(2026, 11, 20, tzinfo=UTC), None, datetime(2026, 11, 19, tzinfo=UTC), "late"),
        (datetime(2026, 11, 20, tzinfo=UTC), "2026-06", datetime(2026, 11, 19, tzinfo=UTC), "late"),
        # Nothing for 40 days: silent, even with last month complete (it came early, then nothing).
        (
            datetime(2026, 11, 20, tzinfo=UTC),
            "2026-10",
            datetime(2026, 11, 20, tzinfo=UTC) - timedelta(days=40),
            "silent",
        ),
        (datetime(2026, 11, 20, tzinfo=UTC), "2026-09", datetime(2026, 10, 11, 0, 1, tzinfo=UTC), "late"),
        # Never a report: awaiting for 40 days after enrolling, then silent.
        (ENROLLED + timedelta(days=39), None, None, "awaiting"),
        (ENROLLED + timedelta(days=40), None, None, "silent"),
    ],
)
def test_health(now: datetime, last_complete: str | None, received: datetime | None, expected: str) -> None:
    assert health(now, last_complete, received) == expected
