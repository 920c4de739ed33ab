"""The settings form: the same limits as the API's schema (schemas/node/admin.py SettingsPatch), in plain words."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from node.settings.services import PROTOCOL_MIN_COUNT

MIN_COUNT_RANGE = (PROTOCOL_MIN_COUNT, 100)
RETENTION_MONTHS_RANGE = (1, 120)


def whole_number(limits: tuple[int, int]) -> list[Any]:
    low, high = limits
    message = _l("Give a whole number from %(low)d to %(high)d.", low=low, high=high)
    return [InputRequired(message=message), NumberRange(min=low, max=high, message=message)]


class SettingsForm(FlaskForm):
    min_count = IntegerField(_l("Smallest number shown in the figures"), validators=whole_number(MIN_COUNT_RANGE))
    retention_months = IntegerField(
        _l("Months before the story of a closed request is deleted"), validators=whole_number(RETENTION_MONTHS_RANGE)
    )
    privacy_statement_version = StringField(
        _l("Version of the privacy statement"),
        validators=[DataRequired(), Length(max=40)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
