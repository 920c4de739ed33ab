"""Data export and erasure."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErasureIn(Schema):
    confirm = fields.Boolean(required=True, metadata={"description": "Must be true: erasure cannot be undone"})


class ErasureOut(Schema):
    member_id = fields.Integer()
    erased_at = fields.DateTime()
    requests_cancelled = fields.Integer()
    texts_cleared = fields.Integer()
