"""Field types of the protocol: exact where the spec is exact.

marshmallow's own Integer and Boolean accept `true` as 1 and `"yes"` as
true; a signed payload must mean one thing only, so these refuse that.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import ValidationError, fields

from federation.protocol.areas import is_area_code
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
from schemas.federation.figures import FigureList, load_figures


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
    """A string matching a compiled pattern whole; `what` names it in the message."""

    def __init__(self, pattern: Any, what: str, **kwargs: Any) -> None:
        self.pattern = pattern
        self.what = what
        super().__init__(metadata={"pattern": pattern.pattern}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        # fullmatch: `$` alone also matches before a final newline ("<uuid>\n" is no UUID).
        if not isinstance(value, str) or len(value) > 200 or not self.pattern.fullmatch(value):
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


class Figures(fields.Field):
    """A report's figures: a list of at most 10,000, loaded by `load_figures` (the rules are there)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> FigureList:
        if not isinstance(value, list):
            raise ValidationError("Not a list.")
        if len(value) > MAX_FIGURES:
            raise ValidationError(f"At most {MAX_FIGURES} figures.")
        return load_figures(value)
