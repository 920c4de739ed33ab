"""Members, roles and consent."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from federation.protocol.codelists import CATEGORY_CODES
from schemas.common import PageArgs
from schemas.fields import CleanString, Code, NormalisedEmail, Postcode
from schemas.node.codes import (
    AVAILABILITY_SLOTS,
    GRANTABLE_ROLES,
    ConsentMethod,
    ConsentPurpose,
    MemberKind,
    MembershipStatus,
    Role,
)


def slots_field(**kwargs: object) -> fields.List:
    return fields.List(Code(AVAILABILITY_SLOTS), validate=validate.Length(max=len(AVAILABILITY_SLOTS)), **kwargs)


def categories_field(*, min_length: int = 0, **kwargs: object) -> fields.List:
    return fields.List(
        Code(CATEGORY_CODES), validate=validate.Length(min=min_length, max=len(CATEGORY_CODES)), **kwargs
    )


class MemberIn(Schema):
    kind = Code(MemberKind, load_default=MemberKind.RESIDENT.value)
    name = CleanString(max_length=200, min_length=1, required=True)
    email = NormalisedEmail(allow_none=True)
    phone = CleanString(max_length=40, allow_none=True, validate=[validate.Regexp(r"^[0-9+() -]*$")])
    street_address = CleanString(max_length=200, allow_none=True)
    postcode = Postcode(allow_none=True)
    buurt_code = CleanString(max_length=10, allow_none=True)
    birth_year = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1900, max=2100))
    notes = CleanString(max_length=4000, multiline=True, allow_none=True)
    joined_on = fields.Date()
    availability = slots_field(load_default=list)
    skills = categories_field(load_default=list)


class MemberPatch(MemberIn):
    """Every field optional; `status` ends or resumes a membership."""

    kind = Code(MemberKind)
    name = CleanString(max_length=200, min_length=1)
    availability = slots_field()
    skills = categories_field()
    status = Code(MembershipStatus)
    left_on = fields.Date(allow_none=True)


class MemberOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    street_address = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    buurt_code = fields.String(allow_none=True)
    birth_year = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)
    status = fields.String()
    joined_on = fields.Date()
    left_on = fields.Date(allow_none=True)
    availability = fields.List(fields.String())
    skills = fields.List(fields.String())
    roles = fields.List(fields.String())
    has_account = fields.Boolean()
    erased = fields.Boolean(attribute="is_erased")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class MemberListArgs(PageArgs):
    q = CleanString(max_length=100, metadata={"description": "Search in name, e-mail, phone and postcode"})
    role = Code(Role)
    status = Code(MembershipStatus)
    buurt_code = CleanString(max_length=10)
    skill = Code(CATEGORY_CODES)
    include_erased = fields.Boolean(load_default=False)


class RolesIn(Schema):
    roles = fields.List(Code([Role.MEMBER, *GRANTABLE_ROLES]), required=True, validate=validate.Length(max=4))


class RolesOut(Schema):
    roles = fields.List(fields.String())


class ConsentIn(Schema):
    purpose = Code(ConsentPurpose, required=True)
    method = Code(ConsentMethod, required=True)
    statement_version = CleanString(
        max_length=40, metadata={"description": "Defaults to the node's current privacy statement"}
    )


class ConsentOut(Schema):
    id = fields.Integer()
    purpose = fields.String()
    method = fields.String()
    statement_version = fields.String()
    given_at = fields.DateTime()
    on_behalf = fields.Boolean()
    recorded_by_id = fields.Integer(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    active = fields.Boolean()


class PasswordIn(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1024), load_only=True)


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=1024), load_only=True)
    new_password = fields.String(required=True, validate=validate.Length(max=1024), load_only=True)
