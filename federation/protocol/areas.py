"""CBS area codes (spec section 2): municipality GM, district (wijk) WK, neighbourhood (buurt) BU."""

from __future__ import annotations

import functools
import re
from enum import StrEnum


class AreaLevel(StrEnum):
    MUNICIPALITY = "municipality"
    WIJK = "wijk"
    BUURT = "buurt"


MUNICIPALITY_PATTERN = re.compile(r"^GM[0-9]{4}$")
WIJK_PATTERN = re.compile(r"^WK[0-9]{4}[0-9A-Z]{2}$")
BUURT_PATTERN = re.compile(r"^BU[0-9]{4}[0-9A-Z]{4}$")


def area_level(code: str) -> AreaLevel | None:
    """The level of a well-formed code, or None."""
    # No code is longer than 10 characters. Shorter strings go through a cache: a report names a
    # handful of areas in hundreds of figures, and the hub checks every figure.
    if not isinstance(code, str) or len(code) > 10:
        return None
    return _level(code)


@functools.lru_cache(maxsize=1024)
def _level(code: str) -> AreaLevel | None:
    # fullmatch: `$` alone would also match before a final newline ("BU03440201\n").
    if MUNICIPALITY_PATTERN.fullmatch(code):
        return AreaLevel.MUNICIPALITY
    if WIJK_PATTERN.fullmatch(code):
        return AreaLevel.WIJK
    if BUURT_PATTERN.fullmatch(code):
        return AreaLevel.BUURT
    return None


def is_area_code(code: str) -> bool:
    return area_level(code) is not None


def municipality_of(code: str) -> str:
    """`BU03440301` -> `GM0344`."""
    if area_level(code) is None:
        raise ValueError(f"{code!r} is not a CBS area code")
    return "GM" + code[2:6]


def wijk_of(code: str) -> str:
    """The wijk a buurt (or a wijk itself) lies in."""
    level = area_level(code)
    if level not in (AreaLevel.WIJK, AreaLevel.BUURT):
        raise ValueError(f"{code!r} is not a wijk or buurt code")
    return "WK" + code[2:8]


def contains(outer: str, inner: str) -> bool:
    """True if area `inner` lies in (or is) area `outer`, by the codes' digits."""
    outer_level, inner_level = area_level(outer), area_level(inner)
    if outer_level is None or inner_level is None:
        return False
    order = [AreaLevel.MUNICIPALITY, AreaLevel.WIJK, AreaLevel.BUURT]
    if order.index(inner_level) < order.index(outer_level):
        return False
    return inner[2:].startswith(outer[2:])


def area_allowed(area: str, registered: list[str] | tuple[str, ...] | frozenset[str]) -> bool:
    """May a node registered for `registered` report on `area`? (spec section 6)

    The areas it is registered for, and the buurten inside a registered wijk;
    not, say, a wijk inside a registered municipality.
    """
    if area in registered:
        return True
    return area_level(area) == AreaLevel.BUURT and any(
        area_level(code) == AreaLevel.WIJK and contains(code, area) for code in registered
    )
