"""The API's view of an account: who a token is. marshmallow only (the contract)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

ROLES = ("admin", "analyst", "municipality")


class MeOut(Schema):
    """The token that made the call: what it may see."""

    token_id = fields.Integer(attribute="id", required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The first characters after `wkh_`"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    municipality = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The one municipality a `municipality` token sees (e.g. GM0344); null: every one"},
    )
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
