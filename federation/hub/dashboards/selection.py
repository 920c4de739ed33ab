"""What a dashboard shows: which municipalities the caller may see, which months, which area, which category.

Each selection has a short text form for URLs and CSV names (`parse` and
`key`): `2026-10`, `2026-Q4`, `2026`, `2026-01..2026-06`; `city`, `GM0344`,
`WK034402`, `BU03440201`, `node:zuilen`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from federation.hub.accounts.actor import HubActor
from federation.hub.accounts.permissions import municipality_scope
from federation.protocol.areas import AreaLevel, area_level, municipality_of
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES
from federation.protocol.messages import NODE_ID_PATTERN
from federation.protocol.periods import PeriodError, format_period, parse_period, period_of, periods_between
from wijknet.errors import FieldError, InvalidInput, PermissionDenied

MAX_MONTHS = 120  # ten years: more is a typing error, and a query nobody waits for
QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")
YEAR = re.compile(r"^([0-9]{4})$")
RANGE = re.compile(r"^([0-9]{4}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2})$")
NODE_PREFIX = "node:"


@dataclass(frozen=True)
class Scope:
    """The municipalities a caller may see: None for every one (administrators and analysts)."""

    municipalities: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def only(cls, *municipalities: str) -> Scope:
        return cls(frozenset(municipalities))

    @classmethod
    def of(cls, actor: HubActor) -> Scope:
        """A municipality's user or token sees its own municipality; the others see every one."""
        own = municipality_scope(actor)
        return cls.everything() if own is None else cls.only(own)

    def allows(self, municipality: str) -> bool:
        return self.municipalities is None or municipality in self.municipalities


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class PeriodSelection:
    """A month, a quarter, a year or a range of months (Amsterdam months, spec section 2)."""

    kind: PeriodKind
    first: str
    last: str

    @classmethod
    def month(cls, period: str) -> PeriodSelection:
        return cls._checked(PeriodKind.MONTH, period, period)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> PeriodSelection:
        if not 1 <= quarter <= 4:
            raise InvalidInput("Not a quarter.", [FieldError("period", "A quarter is 1 to 4.")])
        first = 3 * quarter - 2
        return cls._checked(PeriodKind.QUARTER, format_period(year, first), format_period(year, first + 2))

    @classmethod
    def year(cls, year: int) -> PeriodSelection:
        return cls._checked(PeriodKind.YEAR, format_period(year, 1), format_period(year, 12))

    @classmethod
    def range(cls, first: str, last: str) -> PeriodSelection:
        return cls._checked(PeriodKind.RANGE, first, last)

    @classmethod
    def parse(cls, text: str) -> PeriodSelection:
        """`2026-10`, `2026-Q4`, `2026` or `2026-01..2026-06`."""
        text = (text or "").strip()
        if match := QUARTER.fullmatch(text):
            return cls.quarter(int(match.group(1)), int(match.group(2)))
        if match := YEAR.fullmatch(text):
            return cls.year(int(match.group(1)))
        if match := RANGE.fullmatch(text):
            return cls.range(match.group(1), match.group(2))
        return cls.month(text)

    @classmethod
    def _checked(cls, kind: PeriodKind, first: str, last: str) -> PeriodSelection:
        try:
            months = periods_between(first, last) if parse_period(first) <= parse_period(last) else []
        except PeriodError as exc:
            raise InvalidInput("Not a period.", [FieldError("period", str(exc))]) from None
        if not months:
            raise InvalidInput("Not a period.", [FieldError("period", f"{first} comes after {last}.")])
        if len(months) > MAX_MONTHS:
            raise InvalidInput("Too long a period.", [FieldError("period", f"At most {MAX_MONTHS} months.")])
        return cls(kind, first, last)

    @property
    def key(self) -> str:
        year = self.first[:4]
        if self.kind == PeriodKind.MONTH:
            return self.first
        if self.kind == PeriodKind.QUARTER:
            return f"{year}-Q{(int(self.first[5:]) + 2) // 3}"
        if self.kind == PeriodKind.YEAR:
            return year
        return f"{self.first}..{self.last}"

    def months(self) -> list[str]:
        return periods_between(self.first, self.last)

    def months_started(self, now: datetime) -> list[str]:
        """The months that have begun by `now`: no figure can exist for a later one."""
        current = period_of(now)
        return [m for m in self.months() if m <= current]


class AreaKind(StrEnum):
    CITY = "city"  # every municipality the caller may see
    MUNICIPALITY = "municipality"
    WIJK = "wijk"
    BUURT = "buurt"
    NODE = "node"


LEVEL_KINDS = {
    AreaLevel.MUNICIPALITY: AreaKind.MUNICIPALITY,
    AreaLevel.WIJK: AreaKind.WIJK,
    AreaLevel.BUURT: AreaKind.BUURT,
}


@dataclass(frozen=True)
class AreaSelection:
    """The city, one CBS area (GM, WK, BU), or one node."""

    kind: AreaKind
    code: str | None = None  # the CBS code, or the node's id; None for the city

    @classmethod
    def city(cls) -> AreaSelection:
        return cls(AreaKind.CITY)

    @classmethod
    def area(cls, code: str) -> AreaSelection:
        level = area_level(code)
        if level is None:
            raise InvalidInput("Not an area.", [FieldError("area", f"{code!r} is not a CBS code (GM, WK or BU).")])
        return cls(LEVEL_KINDS[level], code)

    @classmethod
    def node(cls, node_id: str) -> AreaSelection:
        if not NODE_ID_PATTERN.match(node_id or ""):
            raise InvalidInput("Not a node.", [FieldError("area", f"{node_id!r} is not a node id.")])
        return cls(AreaKind.NODE, node_id)

    @classmethod
    def parse(cls, text: str) -> AreaSelection:
        """`city`, a CBS code, or `node:ID`."""
        text = (text or "").strip()
        if text == AreaKind.CITY:
            return cls.city()
        if text.startswith(NODE_PREFIX):
            return cls.node(text[len(NODE_PREFIX) :])
        return cls.area(text)

    @property
    def key(self) -> str:
        if self.kind == AreaKind.CITY:
            return AreaKind.CITY.value
        return NODE_PREFIX + str(self.code) if self.kind == AreaKind.NODE else str(self.code)

    @property
    def municipality(self) -> str | None:
        """The municipality of a CBS area; None for the city and for a node (look the node up)."""
        return municipality_of(self.code) if self.code and self.kind != AreaKind.NODE else None

    def require_visible(self, scope: Scope) -> None:
        """A CBS area must lie in a municipality the caller may see (nodes are checked where they are looked up)."""
        municipality = self.municipality
        if municipality is not None and not scope.allows(municipality):
            raise PermissionDenied(f"This account may not see {self.code}.")


def check_category(category: str) -> str:
    """`_all` or a category of the code list."""
    if category != ALL_CATEGORIES and category not in CATEGORY_CODES:
        raise InvalidInput("Not a category.", [FieldError("category", f"{category!r} is not in the code list.")])
    return category
