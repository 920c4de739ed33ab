"""The node's areas and the category code list."""

from __future__ import annotations

from marshmallow import Schema, fields


class AreaOut(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()


class CategoryOut(Schema):
    code = fields.String()
    label_nl = fields.String()
    label_en = fields.String()
