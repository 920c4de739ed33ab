"""The account pages' forms: what people type, checked with messages in their language.

The services check everything again; these only catch what a person can put
right in the form, in Dutch or English.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.services import EMAIL_PATTERN
from federation.protocol.areas import MUNICIPALITY_PATTERN
from wijknet.errors import InvalidInput
from wijknet.web.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

ROLE_LABELS = {
    HubRole.ADMIN: _l("Administrator"),
    HubRole.ANALYST: _l("Analyst"),
    HubRole.MUNICIPALITY: _l("Municipality"),
}
ROLE_HINTS = {
    HubRole.ADMIN: _l("everything: the registry, accounts, settings"),
    HubRole.ANALYST: _l("every dashboard and report, no changes"),
    HubRole.MUNICIPALITY: _l("dashboards and reports of one municipality, read-only"),
}
# Token lifetimes on offer, in days (0: no expiry date).
TOKEN_LIFETIMES = [
    SelectChoice("365", _l("1 year")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("730", _l("2 years")),
    SelectChoice("0", _l("No expiry date")),
]


ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in HubRole]


def no_spaces_around(form: FlaskForm, field: Field) -> None:
    if field.data and field.data.strip() != field.data:
        raise ValidationError(_l("Do not start or end with spaces."))


def municipality_for_role(form: FlaskForm, field: Field) -> None:
    """A municipality account names its municipality; the city cooperative's accounts do not."""
    code = (field.data or "").strip().upper()
    field.data = code
    if form.role.data == HubRole.MUNICIPALITY:
        if not MUNICIPALITY_PATTERN.fullmatch(code):
            raise ValidationError(_l("A municipality account needs its CBS code, like GM0344."))
    elif code:
        raise ValidationError(_l("Leave this empty: only municipality accounts are limited to one municipality."))


def email_address(form: FlaskForm, field: Field) -> None:
    if not EMAIL_PATTERN.match((field.data or "").strip()):
        raise ValidationError(_l("An e-mail address like anna@example.org."))


def new_password_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=_l("Use at least 10 characters.")),
            no_spaces_around,
        ],
    )


def show_errors(form: FlaskForm, exc: InvalidInput, messages: dict[str, Any] | None = None) -> list[str]:
    """Put a service's field errors on the form's fields; returns what belongs to no field.

    `messages` gives a field's error in the reader's language where the
    service's own (English) words would otherwise show.
    """
    if not exc.errors:
        return [exc.detail]
    loose = []
    for error in exc.errors:
        field = getattr(form, error.field, None)
        message = (messages or {}).get(error.field, error.message)
        if isinstance(field, Field):
            field.errors = [*field.errors, message]
        else:
            loose.append(message)
    return loose


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password, once more"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two new passwords differ."))],
    )

    def validate_password(self, field: Field) -> None:
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password other than the current one."))


class NewUserForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254), email_address])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    municipality = StringField(_l("Municipality code"), validators=[Length(max=6), municipality_for_role])


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("For whom or what, e.g. the municipality's report system."),
    )
    role = SelectField(
        _l("Role"), choices=ROLE_CHOICES, default=HubRole.MUNICIPALITY.value, validators=[DataRequired()]
    )
    municipality = StringField(_l("Municipality code"), validators=[Length(max=6), municipality_for_role])
    lifetime = SelectField(_l("Valid for"), choices=TOKEN_LIFETIMES, default="365")
