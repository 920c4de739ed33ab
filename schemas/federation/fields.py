"""Field types of the protocol: exact where the spec is exact.

marshmallow's own Integer and Boolean accept `true` as 1 and `"yes"` as
true; a signed payload must mean one thing only, so these refuse that.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import ValidationError, fields

from federation.protocol.areas import is_area_code
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRIC_BY_CODE
from federation.protocol.encoding import EncodingError, b64url_decode
from federation.protocol.keys import KeyFormatError, PublicKey
from federation.protocol.messages import (
    MAX_FIGURES,
    NODE_ID_PATTERN,
    UUID_PATTERN,
    format_timestamp,
    parse_timestamp,
)
from federation.protocol.periods import PeriodError, parse_period


class StrictInteger(fields.Integer):
    """A JSON integer: not a boolean, not a fraction, not a string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """`true` or `false`, nothing that merely looks like one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean.")
        return value


class FigureValue(fields.Field):
    """A finite number of at least 0 (spec section 6); int or float as sent."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a number.")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("Not a finite number.")
        if value < 0:
            raise ValidationError("Less than 0.")
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int | float | None:
        if value is None:
            return None
        return value if isinstance(value, int) else float(value)


class Timestamp(fields.Field):
    """RFC 3339 in UTC with a `Z` suffix."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return parse_timestamp(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_timestamp(value)


class Constant(fields.String):
    """Exactly one string (a payload's `schema`, a method)."""

    def __init__(self, constant: str, **kwargs: Any) -> None:
        self.constant = constant
        super().__init__(required=True, metadata={"enum": [constant]}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value != self.constant:
            raise ValidationError(f"Must be {self.constant!r}.")
        return value


class Pattern(fields.String):
    """A string matching a compiled pattern; `what` names it in the message."""

    def __init__(self, pattern: Any, what: str, **kwargs: Any) -> None:
        self.pattern = pattern
        self.what = what
        super().__init__(metadata={"pattern": pattern.pattern}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or len(value) > 200 or not self.pattern.match(value):
            raise ValidationError(f"Not {self.what}.")
        return value


class Uuid(Pattern):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(UUID_PATTERN, "a lower-case UUID", **kwargs)


class NodeId(Pattern):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(NODE_ID_PATTERN, "a node id (lower-case letters, digits and '-', 2 to 63 long)", **kwargs)


class PublicKeyX(fields.String):
    """The `x` of an Ed25519 JWK: the canonical base64url of 32 bytes."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            PublicKey.from_raw(b64url_decode(value))
        except (EncodingError, KeyFormatError):
            raise ValidationError("Not the base64url of a 32-byte Ed25519 public key.") from None
        return value


class AreaCode(fields.String):
    """A CBS code: GMxxxx, WKxxxxxx or BUxxxxxxxx."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not is_area_code(value):
            raise ValidationError("Not a CBS area code (GM0344, WK034402, BU03440201).")
        return value


class Period(fields.String):
    """A month, `YYYY-MM`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            parse_period(value)
        except PeriodError as exc:
            raise ValidationError(str(exc)) from None
        return value


FIGURE_MEMBERS = frozenset({"area", "category", "metric", "value", "suppressed"})
REQUIRED_FIGURE_MEMBERS = ("area", "category", "metric", "value")  # in the order problems name them
_REQUIRED_FIGURE_SET = frozenset(REQUIRED_FIGURE_MEMBERS)
FIGURE_CATEGORIES = frozenset({*CATEGORY_CODES, ALL_CATEGORIES})


def figure_problems(figure: Any) -> dict[str, list[str]]:
    """What is wrong with one figure of a report, by member (spec section 6); empty if nothing."""
    if not isinstance(figure, dict):
        return {"_schema": ["Not an object."]}
    problems: dict[str, list[str]] = {}
    members = figure.keys()
    # Subset tests first, without building sets: a hub checks hundreds of thousands of figures a second.
    if not members <= FIGURE_MEMBERS:
        for member in members - FIGURE_MEMBERS:
            problems[member] = ["Unknown field."]
    if not members >= _REQUIRED_FIGURE_SET:
        for member in REQUIRED_FIGURE_MEMBERS:
            if member not in figure:
                problems[member] = ["Missing data for required field."]
    area, category, metric_code = figure.get("area"), figure.get("category"), figure.get("metric")
    if "area" in figure and not (isinstance(area, str) and is_area_code(area)):
        problems["area"] = ["Not a CBS area code (GM0344, WK034402, BU03440201)."]
    known_category = isinstance(category, str) and category in FIGURE_CATEGORIES  # a list is no code, nor hashable
    if "category" in figure and not known_category:
        problems["category"] = ["Not a category of the code list."]
    metric = METRIC_BY_CODE.get(metric_code) if isinstance(metric_code, str) else None
    if "metric" in figure and metric is None:
        problems["metric"] = ["Not a metric of the code list."]
    value = figure.get("value")
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems["value"] = ["Not a number."]
        elif (isinstance(value, float) and not math.isfinite(value)) or value < 0:
            problems["value"] = ["Not a finite number of at least 0."]
        elif metric is not None and metric.person and value != int(value):
            problems["value"] = ["A person count is a whole number."]
    suppressed = figure.get("suppressed", False)
    if not isinstance(suppressed, bool):
        problems["suppressed"] = ["Not a boolean."]
    elif "value" in figure and (value is None) != suppressed:
        problems["suppressed"] = ['"suppressed" is true exactly when "value" is null.']
    if metric is not None and not metric.per_category and known_category and category != ALL_CATEGORIES:
        problems["category"] = [f"{metric.code} is reported for {ALL_CATEGORIES} only."]
    return problems


class Figures(fields.Field):
    """A report's figures: at most 10,000, each checked by `figure_problems`, each triple once.

    One plain function per figure instead of a nested schema: a report holds
    up to 10,000 figures and a hub takes hundreds of reports a second, where a
    nested marshmallow schema spends some 20 microseconds on each figure.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise ValidationError("Not a list.")
        if len(value) > MAX_FIGURES:
            raise ValidationError(f"At most {MAX_FIGURES} figures.")
        errors: dict[int, dict[str, list[str]]] = {}
        seen: set[tuple[str, str, str]] = set()
        for index, figure in enumerate(value):
            problems = figure_problems(figure)
            if problems:
                errors[index] = problems
                continue
            key = (figure["area"], figure["category"], figure["metric"])
            if key in seen:
                errors[index] = {"metric": ["A second figure for this area, category and metric."]}
            seen.add(key)
        if errors:
            raise ValidationError(errors)
        return value
