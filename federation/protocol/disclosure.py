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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from federation.protocol.areas import AreaLevel, area_level, wijk_of
from federation.protocol.codelists import ALL_CATEGORIES, METRIC_BY_CODE

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


def violations(figures: list[Figure], min_count: int) -> list[Violation]:
    """Every breach of the person rule, the guard rule and the two secondary rules."""
    found: list[Violation] = []
    index_of = {figure.key: i for i, figure in enumerate(figures)}
    by_key = {figure.key: figure for figure in figures}
    for i, figure in enumerate(figures):
        metric = METRIC_BY_CODE[figure.metric]
        if figure.suppressed:
            continue
        if metric.person and 0 < figure.value < min_count:
            found.append(Violation(i, f"a person count between 1 and {min_count - 1} is published"))
        if metric.guard is not None:
            guard = by_key.get((figure.area, figure.category, metric.guard))
            if guard is not None and not guard.suppressed and guard.value < min_count:
                found.append(
                    Violation(i, f"published although {metric.guard} is {guard.value}, under min_count {min_count}")
                )
    for total, parts in _groups(by_key):
        if by_key[total].suppressed:
            continue
        suppressed = [key for key in parts if by_key[key].suppressed]
        if len(suppressed) == 1:
            found.append(
                Violation(
                    index_of[suppressed[0]],
                    "the only suppressed figure under a published total: it follows by subtraction",
                )
            )
    return sorted(found, key=lambda v: v.index)
