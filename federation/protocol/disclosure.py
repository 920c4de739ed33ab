"""Disclosure control of a report's figures (spec section 6): the node applies it, the hub checks it.

The node suppresses before it signs:

- *primary*: a person count between 1 and min_count - 1; a guarded sum or
  statistic whose persons (or requests) number fewer than min_count; a value
  that does not exist (the median of no requests);
- *secondary*: so that no suppressed cell follows from a published total by
  subtraction, within one (area, metric) a published `_all` figure leaves
  none or at least two category figures suppressed, and within one
  (category, metric) a published wijk figure leaves none or at least two of
  its buurt figures suppressed. Where only one is suppressed, the smallest
  published non-zero figure beside it is suppressed too (a zero could be
  known from elsewhere, and the pair would then give the first one away),
  or, when there is none, the total itself.

The hub runs `violations` on every report as a second line of defence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, count
from operator import attrgetter
from typing import Protocol

from federation.protocol.areas import AreaLevel, area_level, wijk_of
from federation.protocol.codelists import ALL_CATEGORIES, METRIC_BY_CODE, METRICS

Number = int | float | Decimal
Key = tuple[str, str, str]  # (area, category, metric)


@dataclass(frozen=True)
class Cell:
    """One computed figure before disclosure control."""

    area: str
    category: str
    metric: str
    value: Number | None  # None: there is no value (a median over no requests)
    basis: int | None = None  # guarded metrics: the persons or requests behind the value

    @property
    def key(self) -> Key:
        return (self.area, self.category, self.metric)


@dataclass(frozen=True)
class Figure:
    """One figure as published: a value, or suppressed."""

    area: str
    category: str
    metric: str
    value: Number | None
    suppressed: bool

    @property
    def key(self) -> Key:
        return (self.area, self.category, self.metric)


class Published(Protocol):
    """What the hub's check reads of a figure: a `Figure`, or the hub's own decoded ones."""

    @property
    def area(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def metric(self) -> str: ...

    @property
    def value(self) -> Number | None: ...

    @property
    def suppressed(self) -> object: ...  # true when suppressed; anything false (or unset) when not


PERSON_METRICS = frozenset(metric.code for metric in METRICS if metric.person)
GUARDS = {metric.code: metric.guard for metric in METRICS if metric.guard is not None}  # metric -> its guard
_AREA, _METRIC, _KEY = attrgetter("area"), attrgetter("metric"), attrgetter("area", "category", "metric")
_VALUE, _SUPPRESSED, _INDEX = attrgetter("value"), attrgetter("suppressed"), attrgetter("index")
_SUBTRACTION = "the only suppressed figure under a published total: it follows by subtraction"


@dataclass(frozen=True)
class Violation:
    """A breach of the disclosure rules; `index` points into the report's figures."""

    index: int
    message: str


def _primary(cell: Cell, min_count: int, by_key: dict[Key, Cell]) -> bool:
    if cell.value is None:
        return True
    metric = METRIC_BY_CODE[cell.metric]
    if metric.person:
        return 0 < cell.value < min_count
    if metric.guarded:
        # The guard in the same report must not contradict the basis either:
        # the hub checks against the guard, not against our own count.
        guard = by_key.get((cell.area, cell.category, metric.guard)) if metric.guard else None
        guard_too_small = guard is not None and (guard.value or 0) < min_count
        return (cell.basis or 0) < min_count or guard_too_small
    return False


def suppress(cells: Iterable[Cell], min_count: int) -> list[Figure]:
    """Apply primary and secondary suppression; the figures come out in the cells' order."""
    cells = list(cells)
    by_key = {cell.key: cell for cell in cells}
    if len(by_key) != len(cells):
        raise ValueError("two cells for one (area, category, metric)")
    hidden = {cell.key for cell in cells if _primary(cell, min_count, by_key)}
    groups = _groups(by_key)
    changed = True
    while changed:  # each pass only adds suppressions, so this ends
        changed = False
        for total, parts in groups:
            if total in hidden:
                continue
            suppressed = [key for key in parts if key in hidden]
            if len(suppressed) != 1:
                continue
            hidden.add(_complement(parts, hidden, by_key) or total)
            changed = True
    return [
        Figure(*cell.key, value=None, suppressed=True)
        if cell.key in hidden
        else Figure(*cell.key, value=cell.value, suppressed=False)
        for cell in cells
    ]


def _complement(parts: list[Key], hidden: set[Key], by_key: dict[Key, Cell]) -> Key | None:
    """The smallest published non-zero part, or None."""
    candidates = [key for key in parts if key not in hidden and by_key[key].value]
    if not candidates:
        return None
    return min(candidates, key=lambda key: (by_key[key].value, key))


def _groups(keys: Iterable[Key]) -> list[tuple[Key, list[Key]]]:
    """Every (total, parts) pair the secondary rules look at, among the keys present."""
    keys = set(keys)
    categories: dict[tuple[str, str], list[Key]] = defaultdict(list)
    buurten: dict[Key, list[Key]] = defaultdict(list)
    # Each area's level once, and a buurt's wijk straight from its code (a buurt lies in exactly
    # one wijk): the hub runs this on every report, hundreds of figures over a handful of areas.
    levels = {area: area_level(area) for area in {area for area, _, _ in keys}}
    wijken = {area for area, level in levels.items() if level == AreaLevel.WIJK}
    wijk_of_buurt = {area: wijk_of(area) for area, level in levels.items() if level == AreaLevel.BUURT}
    for area, category, metric in keys:
        if category != ALL_CATEGORIES:
            categories[(area, metric)].append((area, category, metric))
        wijk = wijk_of_buurt.get(area)
        if wijk in wijken:
            buurten[(wijk, category, metric)].append((area, category, metric))
    groups = []
    for (area, metric), parts in categories.items():
        total = (area, ALL_CATEGORIES, metric)
        if total in keys:
            groups.append((total, sorted(parts)))
    for total, parts in buurten.items():
        if total in keys:
            groups.append((total, sorted(parts)))
    return sorted(groups)


def violations(
    figures: Sequence[Published], min_count: int, positions: Mapping[Key, int] | None = None
) -> list[Violation]:
    """Every breach of the person rule, the guard rule and the two secondary rules, in the figures' order.

    Each (area, category, metric) comes once, as the schema makes sure; `positions` gives each one's
    index where the caller has that already. The hub runs this on every report, so it passes over
    all figures in C where it can (`map`, `compress`) and looks in Python only at those that may
    break a rule: small published values, guarded metrics, suppressed figures.
    """
    if positions is None:
        positions = dict(zip(map(_KEY, figures), count()))
    found: list[Violation] = []

    def published(key: Key) -> Published | None:
        index = positions.get(key)
        return None if index is None or figures[index].suppressed else figures[index]

    for i, value in enumerate(map(_VALUE, figures)):
        if value and value < min_count and figures[i].metric in PERSON_METRICS and not figures[i].suppressed:
            found.append(Violation(i, f"a person count between 1 and {min_count - 1} is published"))
    for i in compress(count(), map(GUARDS.__contains__, map(_METRIC, figures))):
        figure = figures[i]
        guard = published((figure.area, figure.category, GUARDS[figure.metric]))
        if guard is not None and not figure.suppressed and guard.value < min_count:
            message = f"published although {GUARDS[figure.metric]} is {guard.value}, under min_count {min_count}"
            found.append(Violation(i, message))

    # Secondary suppression: gather the suppressed figures under each published total, then look at the
    # totals with exactly one. A wijk's `_all` figure is the total of two groups: its categories, and
    # its buurten's `_all` figures. A buurt lies in exactly one wijk, named by its own code.
    levels = {area: area_level(area) for area in set(map(_AREA, figures))}
    wijken = {area for area, level in levels.items() if level == AreaLevel.WIJK}
    wijk_of_buurt = {area: wijk_of(area) for area, level in levels.items() if level == AreaLevel.BUURT}
    wijk_of_buurt = {buurt: wijk for buurt, wijk in wijk_of_buurt.items() if wijk in wijken}
    under_total: dict[Key, list[Key]] = defaultdict(list)  # (area, _all, metric) -> suppressed categories
    under_wijk: dict[Key, list[Key]] = defaultdict(list)  # (wijk, category, metric) -> suppressed buurten
    for figure in compress(figures, map(_SUPPRESSED, figures)):
        area, category, metric = figure.area, figure.category, figure.metric
        if category != ALL_CATEGORIES:
            under_total[(area, ALL_CATEGORIES, metric)].append((area, category, metric))
        wijk = wijk_of_buurt.get(area)
        if wijk is not None:
            under_wijk[(wijk, category, metric)].append((area, category, metric))
    for group in (under_total, under_wijk):
        for total, parts in group.items():
            if len(parts) == 1 and published(total) is not None:
                found.append(Violation(positions[parts[0]], _SUBTRACTION))
    return sorted(found, key=_INDEX)
