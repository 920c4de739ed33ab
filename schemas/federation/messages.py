"""The signed payloads, receipts and answers of the protocol, member for member (spec sections 4-8).

Inbound schemas refuse unknown members (marshmallow's default), so nothing
outside the protocol -- personal data least of all -- can ride along in a
signed message. Schemas a node uses to read the hub's answers are lenient
about members a later protocol version may add.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from federation.protocol.codelists import CATEGORY_CODES
from federation.protocol.messages import (
    COMMITMENT,
    ENROLLMENT,
    KEY_ROTATION,
    PROTOCOL,
    RECEIPT,
    REPORT,
    TENDERS,
)
from federation.protocol.periods import period_end
from schemas.federation.fields import (
    AreaCode,
    Constant,
    Figures,
    FigureValue,
    NodeId,
    Period,
    PublicKeyX,
    StrictBoolean,
    StrictInteger,
    Timestamp,
    Uuid,
)

MAX_REVISION = 2**31 - 1
SUBJECTS = ("report", "key", "commitment")


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class PublicJwkSchema(Schema):
    """A public Ed25519 key, `{"kty": "OKP", "crv": "Ed25519", "x": ...}` and nothing else (no `d`)."""

    kty = Constant("OKP")
    crv = Constant("Ed25519")
    x = PublicKeyX(required=True)


class EnrollmentSchema(Schema):
    schema = Constant(ENROLLMENT.schema)
    node_id = NodeId(required=True)
    token = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{22,200}$"))
    name = _text(200, required=True)
    issued_at = Timestamp(required=True)
    software = _text(100, required=True)


class DisclosureSchema(Schema):
    min_count = StrictInteger(required=True, validate=validate.Range(min=1, max=1000))
    method = Constant("suppress")


class ReportSchema(Schema):
    schema = Constant(REPORT.schema)
    report_id = Uuid(required=True)
    node_id = NodeId(required=True)
    period = Period(required=True)
    revision = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_REVISION))
    complete = StrictBoolean(required=True)
    issued_at = Timestamp(required=True)
    disclosure = fields.Nested(DisclosureSchema, required=True)
    figures = Figures(required=True)

    @validates_schema(skip_on_field_errors=True)
    def check_report(self, data: dict[str, Any], **_: Any) -> None:
        if data["complete"] != (data["issued_at"] >= period_end(data["period"])):
            raise ValidationError(
                "complete is true exactly when issued_at is at or after the start of the next month.", "complete"
            )


class KeyRotationSchema(Schema):
    schema = Constant(KEY_ROTATION.schema)
    node_id = NodeId(required=True)
    new_key = fields.Nested(PublicJwkSchema, required=True)
    issued_at = Timestamp(required=True)


class CapacitySchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORY_CODES))
    hours_per_month = FigureValue(required=True)


class CommitmentSchema(Schema):
    schema = Constant(COMMITMENT.schema)
    commitment_id = Uuid(required=True)
    node_id = NodeId(required=True)
    tender_id = _text(100, required=True)
    lot_id = _text(100, required=True)
    revision = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_REVISION))
    issued_at = Timestamp(required=True)
    valid_until = Timestamp(required=True)
    capacity = fields.List(
        fields.Nested(CapacitySchema), required=True, validate=validate.Length(min=1, max=len(CATEGORY_CODES))
    )

    @validates_schema(skip_on_field_errors=True)
    def check_commitment(self, data: dict[str, Any], **_: Any) -> None:
        categories = [c["category"] for c in data["capacity"]]
        if len(set(categories)) != len(categories):
            raise ValidationError("Each category at most once.", "capacity")


class ReceiptSchema(Schema):
    """What the hub signs when it accepts a report, a key rotation or a commitment."""

    class Meta:
        unknown = EXCLUDE

    schema = Constant(RECEIPT.schema)
    hub_id = _text(100, required=True)
    node_id = NodeId(required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    id = _text(100, required=True)
    period = Period()
    revision = StrictInteger(validate=validate.Range(min=1, max=MAX_REVISION))
    received_at = Timestamp(required=True)
    digest = fields.String(required=True, validate=validate.Regexp(r"^sha-256=[A-Za-z0-9_-]{43}$"))


class LotSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    lot_id = _text(100, required=True)
    title = _text(300, required=True)
    areas = fields.List(AreaCode(), required=True)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORY_CODES)), required=True)
    required_hours_per_month = FigureValue(required=True)


class TenderSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    tender_id = _text(100, required=True)
    title = _text(300, required=True)
    municipality = AreaCode(required=True)
    status = _text(40, required=True)
    deadline = Timestamp(required=True)
    period_start = Period(required=True)
    period_end = Period(required=True)
    lots = fields.List(fields.Nested(LotSchema), required=True)


class TendersSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    schema = Constant(TENDERS.schema)
    hub_id = _text(100, required=True)
    issued_at = Timestamp(required=True)
    tenders = fields.List(fields.Nested(TenderSchema), required=True)


class JwksSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    keys = fields.List(fields.Dict(), required=True)


class EndpointsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    enrollments = _text(200, required=True)
    reports = _text(200, required=True)
    keys = _text(200, required=True)
    tenders = _text(200, required=True)
    commitments = _text(200, required=True)


class DiscoverySchema(Schema):
    """`GET /.well-known/wijknet`."""

    class Meta:
        unknown = EXCLUDE

    protocol = Constant(PROTOCOL)
    hub_id = _text(100, required=True)
    name = _text(200, required=True)
    jwks = fields.Nested(JwksSchema, required=True)
    min_count = StrictInteger(required=True, validate=validate.Range(min=3))
    endpoints = fields.Nested(EndpointsSchema, required=True)


class EnrollmentHubSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    hub_id = _text(100, required=True)
    jwks = fields.Nested(JwksSchema, required=True)


class EnrollmentAcceptedSchema(Schema):
    """The hub's `201` answer to an enrollment."""

    class Meta:
        unknown = EXCLUDE

    node_id = NodeId(required=True)
    municipality = AreaCode(required=True)
    areas = fields.List(AreaCode(), required=True, validate=validate.Length(min=1))
    min_count = StrictInteger(required=True, validate=validate.Range(min=3))
    hub = fields.Nested(EnrollmentHubSchema, required=True)


class AcceptanceSchema(Schema):
    """`{"status": "accepted" | "duplicate", "receipt": <compact JWS>}`."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(required=True, validate=validate.OneOf(("accepted", "duplicate")))
    receipt = fields.String(required=True)
