"""The forms of the administrator's account and token pages, with messages in the reader's language.

The services check everything again; these catch what a person can put right
in the form.
"""

from __future__ import annotations

from typing import Any

import marshmallow
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from schemas.node.codes import GRANTABLE_ROLES, Role
from wijknet.errors import InvalidInput

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}
ROLE_HINTS = {
    Role.MEMBER: _l("their own requests, offers and data"),
    Role.VOLUNTEER: _l("also their own offers, matches and hours"),
    Role.COORDINATOR: _l("takes in requests, makes matches, sees the neighbourhood's figures"),
    Role.ADMIN: _l("accounts, API tokens, settings, backups and reporting to the city"),
}
# Token lifetimes on offer, in days (0: no expiry date).
TOKEN_LIFETIMES = [
    SelectChoice("365", _l("1 year")),
    SelectChoice("90", _l("90 days")),
    SelectChoice("730", _l("2 years")),
    SelectChoice("0", _l("No expiry date")),
]
_EMAIL = marshmallow.validate.Email()  # the API's rule, so that a page accepts what the API accepts


def email_address(form: FlaskForm, field: Field) -> None:
    try:
        _EMAIL((field.data or "").strip())
    except marshmallow.ValidationError:
        raise ValidationError(_l("An e-mail address like anna@example.org.")) from None


class RoleCheckboxes(SelectMultipleField):
    """Roles as checkboxes: a person sees every role at once and ticks those that apply."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def grantable_roles(label: Any) -> RoleCheckboxes:
    return RoleCheckboxes(
        label, choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in GRANTABLE_ROLES], validate_choice=True
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


class NewAccountForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254), email_address])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    roles = grantable_roles(_l("Roles"))


class RolesForm(FlaskForm):
    roles = grantable_roles(_l("Roles"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("For whom or what, e.g. the app of the repair café."),
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
        default=Role.COORDINATOR.value,
        validators=[DataRequired()],
    )
    email = StringField(_l("Member's e-mail address"), validators=[Optional(), Length(max=254), email_address])
    lifetime = SelectField(_l("Valid for"), choices=TOKEN_LIFETIMES, default="365")

    def validate_email(self, field: Field) -> None:
        if self.role.data in (Role.MEMBER, Role.VOLUNTEER) and not field.data:
            raise ValidationError(_l("A member's or volunteer's token acts for one member: give their e-mail address."))
