"""Time logs, partners, assignments and invoices."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from federation.protocol.codelists import CATEGORY_CODES
from schemas.common import PageArgs
from schemas.fields import CleanString, Code, Id
from schemas.node.codes import AssignmentStatus, PartnerKind

MAX_EUROS = Decimal("99999999.99")


# The bounds are given to the OpenAPI document as numbers too: from the Decimal
# validators apispec would write them as strings, which no OpenAPI reader accepts.


def hours_field(**kwargs: object) -> fields.Decimal:
    return fields.Decimal(
        places=2,
        as_string=True,
        validate=validate.Range(min=Decimal("0.01"), max=Decimal(24)),
        metadata={"description": "Hours, at most 24, in hundredths", "minimum": 0.01, "maximum": 24},
        **kwargs,
    )


def euros_field(**kwargs: object) -> fields.Decimal:
    return fields.Decimal(
        places=2,
        as_string=True,
        validate=validate.Range(min=Decimal(0), max=MAX_EUROS),
        metadata={"minimum": 0, "maximum": float(MAX_EUROS)},
        **kwargs,
    )


class TimeLogIn(Schema):
    member_id = Id(metadata={"description": "Defaults to the member behind the token"})
    match_id = Id()
    assignment_id = Id()
    worked_on = fields.Date(required=True)
    hours = hours_field(required=True)
    paid = fields.Boolean(load_default=False)
    note = CleanString(max_length=500, allow_none=True)


class TimeLogPatch(Schema):
    worked_on = fields.Date()
    hours = hours_field()
    paid = fields.Boolean()
    note = CleanString(max_length=500, allow_none=True)


class TimeLogOut(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    match_id = fields.Integer(allow_none=True)
    assignment_id = fields.Integer(allow_none=True)
    worked_on = fields.Date()
    hours = fields.Decimal(as_string=True)
    paid = fields.Boolean()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class TimeLogListArgs(PageArgs):
    member_id = Id(strict=False)
    match_id = Id(strict=False)
    assignment_id = Id(strict=False)
    paid = fields.Boolean()
    worked_from = fields.Date()
    worked_until = fields.Date()


class PartnerIn(Schema):
    name = CleanString(max_length=200, min_length=1, required=True)
    kind = Code(PartnerKind, required=True)


class PartnerPatch(Schema):
    name = CleanString(max_length=200, min_length=1)
    kind = Code(PartnerKind)


class PartnerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    created_at = fields.DateTime()


class AssignmentIn(Schema):
    partner_id = Id(required=True)
    title = CleanString(max_length=200, min_length=1, required=True)
    description = CleanString(max_length=4000, multiline=True, allow_none=True)
    category = Code(CATEGORY_CODES, required=True)
    buurt_code = CleanString(max_length=10, allow_none=True)
    paid = fields.Boolean(load_default=True, metadata={"description": "Paid work, or voluntary"})
    budget_eur = euros_field(allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)


class AssignmentPatch(Schema):
    partner_id = Id()
    title = CleanString(max_length=200, min_length=1)
    description = CleanString(max_length=4000, multiline=True, allow_none=True)
    category = Code(CATEGORY_CODES)
    buurt_code = CleanString(max_length=10, allow_none=True)
    paid = fields.Boolean()
    budget_eur = euros_field(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    status = Code(AssignmentStatus)


class AssignmentOut(Schema):
    id = fields.Integer()
    partner = fields.Nested(PartnerOut)
    title = fields.String()
    description = fields.String(allow_none=True)
    category = fields.String()
    buurt_code = fields.String(allow_none=True)
    paid = fields.Boolean()
    budget_eur = fields.Decimal(as_string=True, allow_none=True)
    status = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    hours = fields.Decimal(as_string=True, attribute="totals.hours")
    paid_hours = fields.Decimal(as_string=True, attribute="totals.paid_hours")
    revenue_invoiced_eur = fields.Decimal(as_string=True, attribute="totals.revenue_invoiced_eur")


class AssignmentListArgs(PageArgs):
    partner_id = Id(strict=False)
    status = Code(AssignmentStatus)
    category = Code(CATEGORY_CODES)


class InvoiceIn(Schema):
    invoiced_on = fields.Date(required=True)
    amount_eur = euros_field(required=True)
    reference = CleanString(max_length=60, allow_none=True)


class InvoiceOut(Schema):
    id = fields.Integer()
    assignment_id = fields.Integer()
    invoiced_on = fields.Date()
    amount_eur = fields.Decimal(as_string=True)
    reference = fields.String(allow_none=True)
