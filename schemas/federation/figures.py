"""A report's figures (spec section 6): one set of rules, checked at C speed.

A report holds up to 10,000 figures and a hub takes hundreds of reports a
second. So the rules are written once, for msgspec: `FigureIn` says what each
member may hold (checked in C, while decoding JSON or converting objects), and
`_rule_problems` checks what ties members and figures together, in a few
passes over the whole list. The marshmallow `Figures` field loads through
`load_figures`, so the documented schema, the node and the hub apply the very
same rules; where a figure breaks one, every member that does is named, as
the schema's other fields are.
"""

from __future__ import annotations

import sys
from itertools import count
from operator import attrgetter
from typing import Annotated, Any, Literal

import msgspec
from marshmallow import ValidationError

from federation.protocol.areas import is_area_code
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRIC_CODES, METRICS

FIGURE_CATEGORIES = (*CATEGORY_CODES, ALL_CATEGORIES)
WHOLE_METRICS = frozenset(m.code for m in METRICS if m.person)  # person counts: whole numbers
ALL_ONLY_METRICS = frozenset(m.code for m in METRICS if not m.per_category)

Problems = dict[int, dict[str, list[str]]]  # by index, then member: marshmallow's shape for a list
Key = tuple[str, str, str]  # (area, category, metric)


class FigureIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    """One figure as received: exactly these members, each of its JSON type (a bool is no number)."""

    area: str  # a CBS code: checked once per distinct code, in `_rule_problems`
    category: Literal[FIGURE_CATEGORIES]
    metric: Literal[METRIC_CODES]
    # A finite number of at least 0, int or float as sent, or null (suppressed).
    value: Annotated[int, msgspec.Meta(ge=0)] | Annotated[float, msgspec.Meta(ge=0, le=sys.float_info.max)] | None
    suppressed: bool | msgspec.UnsetType = msgspec.UNSET  # UNSET: absent, which counts as false


MEMBER_MESSAGES = {
    "area": "Not a CBS area code (GM0344, WK034402, BU03440201).",
    "category": "Not a category of the code list.",
    "metric": "Not a metric of the code list.",
    "value": "Not a finite number of at least 0, nor null.",
    "suppressed": "Not a boolean.",
}
SUPPRESSED_MESSAGE = '"suppressed" is true exactly when "value" is null.'
WHOLE_MESSAGE = "A person count is a whole number."
SECOND_MESSAGE = "A second figure for this area, category and metric."

_MEMBERS = {field.name: field for field in msgspec.structs.fields(FigureIn)}
_AREA, _KEY = attrgetter("area"), attrgetter("area", "category", "metric")


class FigureList(list[FigureIn]):
    """A report's figures, loaded, with the index of each (area, category, metric).

    Finding a triple given twice builds that index; disclosure control needs it too.
    """

    def __init__(self, figures: list[FigureIn], positions: dict[Key, int]) -> None:
        super().__init__(figures)
        self.positions = positions


def load_figures(items: list[Any]) -> FigureList:
    """The figures as `FigureIn`, or marshmallow's ValidationError naming every problem by index and member.

    Figures decoded as `FigureIn` already (the hub decodes JSON straight into them) pass through
    unchanged; anything else is converted first.
    """
    try:
        figures = msgspec.convert(items, list[FigureIn])
        indexes = None
        problems: Problems = {}
    except msgspec.ValidationError:
        figures, indexes, problems = _convert_one_by_one(items)
    positions = dict(zip(map(_KEY, figures), count()))
    problems |= _rule_problems(figures, indexes, positions)
    if problems:
        raise ValidationError(dict(sorted(problems.items())))
    return FigureList(figures, positions)


def _convert_one_by_one(items: list[Any]) -> tuple[list[FigureIn], list[int], Problems]:
    """The figures that convert with their indexes, and what is wrong with the others."""
    figures, indexes, problems = [], [], {}
    for index, item in enumerate(items):
        try:
            figures.append(msgspec.convert(item, FigureIn))
            indexes.append(index)
        except msgspec.ValidationError:
            problems[index] = _member_problems(item)
    return figures, indexes, problems


def _member_problems(item: Any) -> dict[str, list[str]]:
    """Each member of a figure that did not convert, checked alone against its type in `FigureIn`."""
    if not isinstance(item, dict):
        return {"_schema": ["Not an object."]}
    problems = {member: ["Unknown field."] for member in item if member not in _MEMBERS}
    for name, field in _MEMBERS.items():
        if name not in item:
            if field.required:
                problems[name] = ["Missing data for required field."]
            continue
        try:
            msgspec.convert(item[name], field.type)
        except msgspec.ValidationError:
            problems[name] = [MEMBER_MESSAGES[name]]
    return problems or {"_schema": ["Not a figure."]}


def _rule_problems(figures: list[FigureIn], indexes: list[int] | None, positions: dict[Key, int]) -> Problems:
    """The rules no member's type can state.

    `indexes` maps positions in `figures` to the report's (None: the same); `positions` has the last
    position of each (area, category, metric).
    """
    problems: Problems = {}

    def add(position: int, member: str, message: str) -> None:
        index = position if indexes is None else indexes[position]
        problems.setdefault(index, {}).setdefault(member, []).append(message)

    # A report names a handful of areas in hundreds of figures: each distinct code is looked at once.
    wrong_areas = {area for area in set(map(_AREA, figures)) if not is_area_code(area)}
    if wrong_areas:
        for position, figure in enumerate(figures):
            if figure.area in wrong_areas:
                add(position, "area", MEMBER_MESSAGES["area"])
    for position, figure in enumerate(figures):
        value = figure.value
        if (value is None) is not (figure.suppressed is True):
            add(position, "suppressed", SUPPRESSED_MESSAGE)
        elif value.__class__ is float and figure.metric in WHOLE_METRICS and not value.is_integer():
            add(position, "value", WHOLE_MESSAGE)
        if figure.metric in ALL_ONLY_METRICS and figure.category != ALL_CATEGORIES:
            add(position, "category", f"{figure.metric} is reported for {ALL_CATEGORIES} only.")
    if len(positions) != len(figures):
        seen: set[Key] = set()
        for position, key in enumerate(map(_KEY, figures)):
            if key in seen:
                add(position, "metric", SECOND_MESSAGE)
            seen.add(key)
    return problems
