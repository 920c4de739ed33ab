"""Help requests and help offers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from federation.protocol.codelists import CATEGORY_CODES
from schemas.common import PageArgs
from schemas.fields import CleanString, Code, Id, Instant
from schemas.node.codes import Frequency, OfferStatus, Recurrence, ReferralTarget, RequestStatus, Urgency
from schemas.node.members import categories_field, slots_field


class PersonRefOut(Schema):
    """Who someone is, as far as the reader may know: an id and a name."""

    id = fields.Integer()
    name = fields.String(allow_none=True)
    buurt_code = fields.String(allow_none=True)


class HelpRequestIn(Schema):
    requester_id = Id(metadata={"description": "Defaults to the member behind the token"})
    category = Code(CATEGORY_CODES, required=True)
    description = CleanString(max_length=2000, multiline=True, allow_none=True)
    urgency = Code(Urgency, load_default=Urgency.NORMAL)
    buurt_code = CleanString(max_length=10, allow_none=True, metadata={"description": "Defaults to the requester's"})
    preferred_slots = slots_field(load_default=list)
    recurrence = Code(Recurrence, load_default=Recurrence.NONE)


class HelpRequestPatch(Schema):
    category = Code(CATEGORY_CODES)
    description = CleanString(max_length=2000, multiline=True, allow_none=True)
    urgency = Code(Urgency)
    buurt_code = CleanString(max_length=10, allow_none=True)
    preferred_slots = slots_field()
    recurrence = Code(Recurrence)


class HelpRequestOut(Schema):
    id = fields.Integer()
    requester = fields.Nested(PersonRefOut)
    category = fields.String()
    description = fields.String(allow_none=True)
    urgency = fields.String()
    buurt_code = fields.String(allow_none=True)
    preferred_slots = fields.List(fields.String())
    recurrence = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    matched_at = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    referral_to = fields.String(allow_none=True)
    closing_note = fields.String(allow_none=True)
    text_cleared_at = fields.DateTime(allow_none=True)


class HelpRequestListArgs(PageArgs):
    status = fields.List(Code(RequestStatus), metadata={"description": "Repeat to select several"})
    category = Code(CATEGORY_CODES)
    urgency = Code(Urgency)
    buurt_code = CleanString(max_length=10)
    requester_id = Id(strict=False)
    created_from = Instant()
    created_until = Instant()
    sort = Code(
        ("newest", "waiting"),
        load_default="newest",
        metadata={"description": "`waiting`: urgent first, then the longest waiting (the inbox)"},
    )


class RequestStatusIn(Schema):
    status = Code(RequestStatus, required=True)
    referral_to = Code(ReferralTarget, metadata={"description": "Required when referring"})
    note = CleanString(
        max_length=2000, multiline=True, allow_none=True, metadata={"description": "Why it was cancelled or referred"}
    )


class ReasonOut(Schema):
    code = fields.String(
        metadata={
            "description": "offers_category, has_skill, same_buurt, shared_slots, "
            "no_shared_slot, free_now or current_load"
        }
    )
    points = fields.Integer()
    detail = fields.Dict()


class SuggestionOut(Schema):
    volunteer = fields.Nested(PersonRefOut)
    score = fields.Integer()
    live_matches = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonOut))


class SuggestionArgs(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class HelpOfferIn(Schema):
    volunteer_id = Id(metadata={"description": "Defaults to the member behind the token"})
    categories = categories_field(min_length=1, required=True)
    description = CleanString(max_length=2000, multiline=True, allow_none=True)
    availability = slots_field(load_default=list)
    frequency = Code(Frequency, load_default=Frequency.OCCASIONALLY)


class HelpOfferPatch(Schema):
    categories = categories_field(min_length=1)
    description = CleanString(max_length=2000, multiline=True, allow_none=True)
    availability = slots_field()
    frequency = Code(Frequency)
    status = Code(OfferStatus)


class HelpOfferOut(Schema):
    id = fields.Integer()
    volunteer = fields.Nested(PersonRefOut)
    categories = fields.List(fields.String())
    description = fields.String(allow_none=True)
    availability = fields.List(fields.String())
    frequency = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class HelpOfferListArgs(PageArgs):
    volunteer_id = Id(strict=False)
    category = Code(CATEGORY_CODES)
    status = Code(OfferStatus)
