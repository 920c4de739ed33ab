"""The administrator's resources: API tokens, settings and the audit log."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import PageArgs
from schemas.fields import CleanString, Code, Id, Instant
from schemas.node.codes import AuditAction, Role


class ApiTokenIn(Schema):
    name = CleanString(max_length=100, min_length=1, required=True)
    role = Code(Role, required=True)
    member_id = Id(allow_none=True, metadata={"description": "Required for member and volunteer tokens"})
    expires_at = Instant(allow_none=True)


class ApiTokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "The first characters after `wkn_`, to tell tokens apart"})
    role = fields.String()
    member_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewApiTokenOut(ApiTokenOut):
    token = fields.String(metadata={"description": "Shown once; store it now"})


class SettingsPatch(Schema):
    min_count = fields.Integer(strict=True, validate=validate.Range(min=3, max=100))
    retention_months = fields.Integer(strict=True, validate=validate.Range(min=1, max=120))
    privacy_statement_version = CleanString(max_length=40, min_length=1)


class SettingsOut(Schema):
    min_count = fields.Integer()
    retention_months = fields.Integer()
    privacy_statement_version = fields.String()


class AuditEventOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_member_id = fields.Integer(allow_none=True)
    actor_token_id = fields.Integer(allow_none=True)
    actor_label = fields.String()
    action = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer(allow_none=True)
    subject_member_id = fields.Integer(allow_none=True)
    detail = fields.String(allow_none=True)


class AuditListArgs(PageArgs):
    subject_member_id = Id(strict=False)
    actor_member_id = Id(strict=False)
    action = Code(AuditAction)
    since = Instant()
    until = Instant()
