"""The node's federation status, as its administrator sees it."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.common import PageArgs
from schemas.fields import Code

OUTBOX_STATES = ("pending", "delivered", "failed")


class ProblemSummaryOut(Schema):
    code = fields.String()
    title = fields.String()
    detail = fields.String()
    status = fields.Integer()
    errors = fields.List(fields.Dict())


class OutboxItemOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "report, key_rotation or commitment"})
    period = fields.String(allow_none=True)
    revision = fields.Integer(allow_none=True)
    state = fields.String(metadata={"enum": list(OUTBOX_STATES)})
    attempts = fields.Integer()
    created_at = fields.DateTime()
    last_attempt_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    problem = fields.Nested(ProblemSummaryOut, allow_none=True, metadata={"description": "Why the hub refused it"})
    receipt = fields.Dict(allow_none=True, metadata={"description": "The hub's verified receipt"})
    receipt_received_at = fields.DateTime(allow_none=True, metadata={"description": "When the hub received it"})


class HubOut(Schema):
    url = fields.String()
    hub_id = fields.String()
    min_count = fields.Integer()


class PublishedPeriodOut(Schema):
    period = fields.String()
    revision = fields.Integer()
    complete = fields.Boolean()
    made_at = fields.DateTime()


class FederationStatusOut(Schema):
    enrolled = fields.Boolean(required=True)
    hub = fields.Nested(HubOut)
    node_id = fields.String()
    municipality = fields.String()
    areas = fields.List(fields.String())
    areas_not_covered = fields.List(fields.String(), metadata={"description": "Own areas the hub would refuse"})
    kid = fields.String(metadata={"description": "The node's current signing key"})
    enrolled_at = fields.DateTime()
    key_rotation_pending = fields.Boolean()
    key_revoked = fields.Boolean(
        metadata={"description": "The hub refused a message signed with the current key as key_revoked: enrol again."}
    )
    outbox = fields.Dict(keys=fields.String(), values=fields.Integer())
    last_delivery = fields.Nested(OutboxItemOut, allow_none=True)
    next_attempt = fields.Nested(OutboxItemOut, allow_none=True)
    failures = fields.List(fields.Nested(OutboxItemOut))
    periods = fields.List(fields.Nested(PublishedPeriodOut))


class OutboxListArgs(PageArgs):
    state = Code(OUTBOX_STATES)
