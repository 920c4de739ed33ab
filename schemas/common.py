"""Schemas every API shares: problem documents and pagination."""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields, validate

MAX_PAGE_SIZE = 200


class FieldErrorOut(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class ProblemOut(Schema):
    """RFC 9457 problem document (`application/problem+json`)."""

    type = fields.String(required=True, metadata={"example": "urn:wijknet:problem:not_found"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Stable machine-readable code"})
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorOut))


class PageArgs(Schema):
    """`?page=&page_size=` on every list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The envelope of one page of `item_schema` items (one class per item schema)."""
    name = item_schema.__name__.removesuffix("Out") + "PageOut"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
        },
        name=name,
    )
