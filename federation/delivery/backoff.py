"""When to try again (spec section 6.1): within a minute, then doubling, capped at six hours, with jitter.

Jitter spreads the retries of many nodes after the hub comes back, so that
they do not all knock at once. `Retry-After` from the hub is a floor.
"""

from __future__ import annotations

import random
from datetime import timedelta

FIRST_RETRY = timedelta(minutes=1)
CAP = timedelta(hours=6)


def retry_delay(failures: int, *, retry_after: int | None = None, rng: random.Random | None = None) -> timedelta:
    """The wait after the `failures`-th failed attempt in a row (1 for the first)."""
    rng = rng or random.Random()
    ceiling = min(CAP, FIRST_RETRY * 2 ** max(0, failures - 1))
    # "Equal jitter": at least half the interval, so waits still grow.
    delay = ceiling / 2 + ceiling / 2 * rng.random()
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay
