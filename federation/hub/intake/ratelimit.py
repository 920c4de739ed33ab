"""Requests per key and clock minute, counted in this process: the count behind 429 rate_limited (spec section 3)."""

from __future__ import annotations

import math
import threading


class MinuteCounter:
    """At most `per_minute` requests per key in each clock minute.

    The counts of a minute are dropped as the next one begins, all at once: nothing has to
    expire in the background (Flask-Limiter's memory storage, used before, started a timer
    thread to do so after nearly every request).
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._minute = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()  # a worker's threads share the counts

    def hit(self, key: str, now: float) -> int | None:
        """Count a request at `now` (epoch seconds): None if it is allowed, else the seconds until the next minute."""
        minute = int(now // 60)
        with self._lock:
            if minute != self._minute:
                self._minute, self._counts = minute, {}
            count = self._counts[key] = self._counts.get(key, 0) + 1
        if count <= self.per_minute:
            return None
        return max(1, math.ceil((minute + 1) * 60 - now))
