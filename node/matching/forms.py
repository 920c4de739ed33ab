"""The coordinator's forms for matches: proposing a volunteer and logging hours."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional


class ProposeForm(FlaskForm):
    volunteer_id = HiddenField(validators=[InputRequired()])


class HoursForm(FlaskForm):
    worked_on = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    hours = StringField(
        _l("Hours"),
        validators=[InputRequired(), Length(max=10)],
        description=_l("For example 1,5 for an hour and a half."),
    )
    paid = BooleanField(_l("Paid work"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
