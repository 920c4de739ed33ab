"""The needs analysis."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from federation.protocol.codelists import CATEGORY_CODES
from federation.protocol.periods import PeriodError, parse_period
from schemas.fields import CleanString, Code

PERIOD = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error="A month like 2026-10.")


def validate_period(value: str) -> None:
    """A month in the years the protocol covers (the pattern alone lets 1999-05 through)."""
    try:
        parse_period(value)
    except PeriodError:
        raise ValidationError("A month like 2026-10, from 2000 to 2999.") from None


class NeedsArgs(Schema):
    period_from = fields.String(
        validate=[PERIOD, validate_period], metadata={"description": "First month; default 11 months ago"}
    )
    period_to = fields.String(
        validate=[PERIOD, validate_period], metadata={"description": "Last month; default this month"}
    )
    category = Code(CATEGORY_CODES)
    buurt_code = CleanString(max_length=10)


class NeedsRowOut(Schema):
    category = fields.String()
    buurt_code = fields.String(allow_none=True)
    demand = fields.Integer(metadata={"description": "Requests received in the period"})
    matched = fields.Integer(metadata={"description": "Requests first matched in the period"})
    open_requests = fields.Integer(metadata={"description": "Requests waiting for a match at the period's end"})
    waiting_days_median = fields.Float(allow_none=True, metadata={"description": "Median days to a first match"})
    oldest_waiting_days = fields.Float(allow_none=True)
    supply = fields.Integer(metadata={"description": "Help offers active at the period's end"})
    active_volunteers = fields.Integer()
    gap = fields.Integer(metadata={"description": "open_requests - supply; above 0, demand outruns supply"})


class NeedsOut(Schema):
    period_from = fields.String()
    period_to = fields.String()
    start = fields.DateTime()
    end = fields.DateTime()
    rows = fields.List(fields.Nested(NeedsRowOut), metadata={"description": "Per category and buurt"})
    totals = fields.List(fields.Nested(NeedsRowOut), metadata={"description": "Per category, whole node"})
