"""Working with availability slots (the code list is `schemas.node.codes.AVAILABILITY_SLOTS`)."""

from __future__ import annotations

from schemas.node.codes import AVAILABILITY_SLOTS


def normalise_slots(slots: list[str] | None) -> list[str]:
    """Known slots, without duplicates, in week order."""
    wanted = set(slots or ())
    return [s for s in AVAILABILITY_SLOTS if s in wanted]


def overlap(a: list[str] | None, b: list[str] | None) -> int:
    """How many slots two availabilities share."""
    return len(set(a or ()) & set(b or ()))
