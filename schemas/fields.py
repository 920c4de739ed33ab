"""Field types that every inbound schema uses, so that bad input stops at the edge.

PostgreSQL refuses NUL bytes and integers beyond 32 bits with an error that
would otherwise surface as a 500; these fields reject them with a 422.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from marshmallow import ValidationError, fields, validate

MAX_ID = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CleanString(fields.String):
    """A string without control characters, trimmed, with a maximum length.

    `multiline` allows line breaks (descriptions); an empty string after
    trimming becomes None where the field allows None.
    """

    def __init__(self, *, max_length: int, multiline: bool = False, min_length: int = 0, **kwargs: Any) -> None:
        self.max_length = max_length
        self.multiline = multiline
        validators = list(kwargs.pop("validate", None) or [])
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length * 4:  # refuse megabytes before scanning them
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        if _CONTROL.search(text) or (not self.multiline and ("\n" in text or "\r" in text)):
            raise ValidationError("Contains characters that are not allowed.")
        text = text.strip()
        if text == "" and self.allow_none:
            return None
        return text

    def _validate(self, value: Any) -> None:
        if value is not None:  # blank text loaded as None: no length or pattern to check
            super()._validate(value)


class Id(fields.Integer):
    """A database id: a whole number from 1 to 2**31-1.

    In a JSON body it must be a JSON integer; a query string only has text,
    so query arguments take `strict=False` and accept the digits.
    """

    def __init__(self, *, strict: bool = True, **kwargs: Any) -> None:
        super().__init__(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Count(fields.Integer):
    """A whole number from 0 up to a sensible maximum."""

    def __init__(self, *, maximum: int = 1_000_000, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(min=0, max=maximum), **kwargs)


class Instant(fields.AwareDateTime):
    """A moment with its UTC offset, loaded as a UTC instant.

    `9999-12-31T23:00:00-05:00` parses but lies beyond the last date Python
    (and so the database layer) can hold in UTC; it is refused here, not
    met as an OverflowError when stored or compared.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("Out of the range of dates that can be stored.") from None


class NormalisedEmail(fields.Email):
    """An e-mail address, trimmed and in lower case (the login compares them exactly)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=254), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            if value == "" and self.allow_none:
                return None
        return super()._deserialize(value, attr, data, **kwargs)

    def _validate(self, value: Any) -> None:
        if value is not None:  # blank loaded as None: no address to check
            super()._validate(value)


class Code(fields.String):
    """One code from a fixed list; given an enum class, it loads as that enum's member."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        self.enum = choices if isinstance(choices, type) and issubclass(choices, Enum) else None
        self.choices = [getattr(c, "value", c) for c in choices]
        super().__init__(validate=validate.OneOf(self.choices, error="Must be one of: {choices}."), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.enum is not None and text in self.choices:
            return self.enum(text)
        return text


class Postcode(fields.String):
    """A Dutch postcode, stored as `1234 AB`."""

    PATTERN = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text.strip() == "" and self.allow_none:
            return None
        match = self.PATTERN.match(text) if len(text) < 20 else None
        if not match:
            raise ValidationError("Not a Dutch postcode like 3551 AB.")
        return f"{match.group(1)} {match.group(2).upper()}"
