"""The residents' forms: presence and choices are checked here, formats by the API's schemas (see views)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from node.residents.consents import OPTIONAL_PURPOSES
from node.residents.labels import CONSENT_WORDS, FREQUENCY_WORDS, RECURRENCE_WORDS, URGENCY_WORDS, choices_from
from schemas.node.codes import ConsentPurpose, Frequency, Recurrence, Urgency
from wijknet.web.passwords import MIN_PASSWORD_LENGTH


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: easier to tap than a multiple select, and it needs no script."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def consent_field_name(purpose: ConsentPurpose) -> str:
    return f"consent_{purpose.value}"


class ConsentFields(FlaskForm):
    """A form with one checkbox per consent purpose (see `_add_consent_fields`)."""

    def chosen_purposes(self) -> set[ConsentPurpose]:
        return {p for p in ConsentPurpose if consent_field_name(p) in self and self[consent_field_name(p)].data}


class JoinForm(ConsentFields):
    name = StringField(
        _l("Your name"), validators=[InputRequired(_l("Fill in your name.")), Length(max=200, message=_l("Too long."))]
    )
    email = StringField(
        _l("E-mail address"),
        validators=[InputRequired(_l("Fill in your e-mail address.")), Length(max=254, message=_l("Too long."))],
    )
    phone = StringField(_l("Phone number (optional)"), validators=[Optional(), Length(max=40)])
    street_address = StringField(_l("Street and house number (optional)"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode (optional)"), validators=[Optional(), Length(max=20)])
    buurt_code = SelectField(_l("Your neighbourhood"), validate_choice=True)
    password = PasswordField(
        _l("Choose a password"),
        validators=[
            InputRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1024,
                message=_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            ),
        ],
    )


class AskForm(FlaskForm):
    category = RadioField(_l("What kind of help?"), validators=[InputRequired(_l("Choose what kind of help."))])
    description = TextAreaField(_l("What do you need?"), validators=[Optional(), Length(max=2000)])
    urgency = RadioField(
        _l("How soon?"),
        choices=choices_from(URGENCY_WORDS),
        default=Urgency.NORMAL.value,
        validators=[InputRequired(_l("Choose how soon."))],
    )
    days = CheckboxesField(_l("Which days suit you?"), validators=[Optional()])
    dayparts = CheckboxesField(_l("What time of day?"), validators=[Optional()])
    recurrence = RadioField(
        _l("How often?"),
        choices=choices_from(RECURRENCE_WORDS),
        default=Recurrence.NONE.value,
        validators=[InputRequired(_l("Choose how often."))],
    )
    buurt_code = SelectField(_l("Where?"), validate_choice=True)


class OfferForm(FlaskForm):
    categories = CheckboxesField(
        _l("What would you like to help with?"), validators=[InputRequired(_l("Choose at least one kind of help."))]
    )
    description = TextAreaField(
        _l("Anything you want to tell us? (optional)"), validators=[Optional(), Length(max=2000)]
    )
    days = CheckboxesField(_l("Which days can you help?"), validators=[Optional()])
    dayparts = CheckboxesField(_l("What time of day?"), validators=[Optional()])
    frequency = RadioField(
        _l("How often?"),
        choices=choices_from(FREQUENCY_WORDS),
        default=Frequency.OCCASIONALLY.value,
        validators=[InputRequired(_l("Choose how often."))],
    )


class ConsentsForm(ConsentFields):
    """The optional consents only (membership itself ends by leaving)."""


def _add_consent_fields(form: type[ConsentFields], purposes: list[ConsentPurpose]) -> None:
    """One checkbox per purpose of the code list, after the form's other fields (so errors list in page order)."""
    for purpose in purposes:
        # Membership is what joining is; the service refuses without it, the form says so by the box.
        required = (
            [InputRequired(_l("Tick this box to become a member."))] if purpose == ConsentPurpose.MEMBERSHIP else []
        )
        field = BooleanField(CONSENT_WORDS.get(purpose, purpose.value), validators=required)
        setattr(form, consent_field_name(purpose), field)


_add_consent_fields(JoinForm, list(ConsentPurpose))
_add_consent_fields(ConsentsForm, list(OPTIONAL_PURPOSES))


class LeaveForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, erase my details and end my membership."),
        validators=[InputRequired(_l("Tick the box if you really want to leave."))],
    )


class AnswerForm(FlaskForm):
    """A volunteer's answer to a proposed match: the value of the button they pressed."""

    answer = StringField(validators=[AnyOf(["accepted", "declined"])])


class ConfirmForm(FlaskForm):
    """A button and the CSRF token: withdrawing a request, answering a proposed match."""
