"""Activities."""

from __future__ import annotations

from marshmallow import Schema, fields

from federation.protocol.codelists import CATEGORY_CODES
from schemas.common import PageArgs
from schemas.fields import CleanString, Code, Count, Id


class ActivityIn(Schema):
    title = CleanString(max_length=200, min_length=1, required=True)
    category = Code(CATEGORY_CODES, required=True)
    held_on = fields.Date(required=True)
    buurt_code = CleanString(max_length=10, allow_none=True)
    location = CleanString(max_length=200, allow_none=True)
    participants = Count(maximum=100_000, load_default=0)
    description = CleanString(max_length=4000, multiline=True, allow_none=True)
    organiser_id = Id(allow_none=True)


class ActivityPatch(Schema):
    title = CleanString(max_length=200, min_length=1)
    category = Code(CATEGORY_CODES)
    held_on = fields.Date()
    buurt_code = CleanString(max_length=10, allow_none=True)
    location = CleanString(max_length=200, allow_none=True)
    participants = Count(maximum=100_000)
    description = CleanString(max_length=4000, multiline=True, allow_none=True)
    organiser_id = Id(allow_none=True)


class ActivityOut(Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    held_on = fields.Date()
    buurt_code = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    participants = fields.Integer()
    description = fields.String(allow_none=True)
    organiser_id = fields.Integer(allow_none=True)


class ActivityListArgs(PageArgs):
    category = Code(CATEGORY_CODES)
    buurt_code = CleanString(max_length=10)
    held_from = fields.Date()
    held_until = fields.Date()
