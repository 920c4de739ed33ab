"""A node's delivery health, from the last reports the hub received: healthy, late or silent.

Nodes report every night, and a month's complete report can only be made
once the month is over; so a node is healthy when last month's complete
report is in. Until the reporting deadline (the 10th of the month by
default, as for completeness) the month before last still counts, because
the node may have been off for a few days. Nothing at all for 40 days, more
than a month, means the node is not reporting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from federation.protocol.periods import AMSTERDAM, parse_period, period_of, previous_period

SILENT_AFTER = timedelta(days=40)


class DeliveryHealth(StrEnum):
    HEALTHY = "healthy"  # last month's complete report is in
    LATE = "late"  # reports come in, but last month's complete report is missing
    SILENT = "silent"  # nothing for SILENT_AFTER, or never anything since enrolling that long ago
    AWAITING = "awaiting"  # enrolled recently, no report yet


def deadline(period: str, deadline_day: int) -> datetime:
    """The end of day `deadline_day` of the month after `period`, Amsterdam time, as UTC."""
    year, month = parse_period(period)
    following = date(year + month // 12, month % 12 + 1, deadline_day)
    return datetime.combine(following + timedelta(days=1), time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def delivery_health(
    *,
    last_complete_period: str | None,
    last_received_at: datetime | None,
    enrolled_at: datetime,
    now: datetime,
    deadline_day: int,
) -> DeliveryHealth:
    """The health of one node at `now`."""
    if last_received_at is None:
        return DeliveryHealth.SILENT if now - enrolled_at >= SILENT_AFTER else DeliveryHealth.AWAITING
    if now - last_received_at >= SILENT_AFTER:
        return DeliveryHealth.SILENT
    expected = previous_period(period_of(now))
    if now < deadline(expected, deadline_day):
        expected = previous_period(expected)  # last month's report may still come in time
    if last_complete_period is not None and last_complete_period >= expected:
        return DeliveryHealth.HEALTHY
    return DeliveryHealth.LATE
