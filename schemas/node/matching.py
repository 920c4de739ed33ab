"""Matches."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.common import PageArgs
from schemas.fields import CleanString, Code, Id
from schemas.node.codes import MatchStatus
from schemas.node.help import PersonRefOut


class MatchIn(Schema):
    request_id = Id(required=True)
    volunteer_id = Id(required=True)
    note = CleanString(max_length=1000, multiline=True, allow_none=True)


class MatchStatusIn(Schema):
    status = Code(MatchStatus, required=True)
    note = CleanString(max_length=1000, multiline=True, allow_none=True)


class ContactOut(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    street_address = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)


class MatchContactsOut(Schema):
    requester = fields.Nested(ContactOut)
    volunteer = fields.Nested(ContactOut)


class MatchOut(Schema):
    id = fields.Integer()
    request_id = fields.Integer()
    category = fields.String(attribute="request.category")
    volunteer = fields.Nested(PersonRefOut)
    status = fields.String()
    proposed_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    contacts = fields.Nested(
        MatchContactsOut,
        allow_none=True,
        metadata={"description": "Contact details of the other side, once the match is accepted"},
    )


class MatchListArgs(PageArgs):
    request_id = Id(strict=False)
    volunteer_id = Id(strict=False)
    status = Code(MatchStatus)
