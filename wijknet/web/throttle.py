"""The login throttle's policy, apart from where the counts are stored.

Failures are counted per e-mail address and per client address within a
window; past a threshold the key is locked for a time that doubles with every
further failure, up to an hour. A success clears the e-mail's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
MAX_LOCK = timedelta(hours=1)


@dataclass(frozen=True)
class ThrottlePolicy:
    threshold: int  # failures allowed in the window before locking

    def lock_after(self, failures: int, now: datetime) -> datetime | None:
        """Until when a key with `failures` failures is locked (None: not locked)."""
        if failures < self.threshold:
            return None
        doubling = min(failures - self.threshold, 6)
        return now + min(timedelta(minutes=2**doubling), MAX_LOCK)


PER_ACCOUNT = ThrottlePolicy(threshold=5)
PER_CLIENT = ThrottlePolicy(threshold=20)


def window_expired(first_failure_at: datetime, now: datetime) -> bool:
    return now - first_failure_at > WINDOW


def seconds_until(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 0.999))
