"""The coordinator's forms for requests: phone intake and closing a request.

The forms carry the CSRF token, the labels and the typed text back to the
page; what the data must look like is checked by the API's own schemas and
the services (see `node.help.views`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from node.areas.services import node_areas
from node.help.labels import category_choices, choices, slot_label
from schemas.node.codes import AVAILABILITY_SLOTS, ConsentMethod, ConsentPurpose, Recurrence, Urgency

NEW_MEMBER = "new"


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: works without JavaScript and is easy to tap."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def buurt_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(a.code, a.name) for a in node_areas() if a.level == "buurt"]


class IntakeForm(FlaskForm):
    # Who asks: an existing member found by the search, or a new resident.
    q = StringField(
        _l("Search by name, phone number or postcode"), validators=[Optional(), Length(max=100)], default=""
    )
    member_id = RadioField(_l("Who asks for help?"), validate_choice=False, default=NEW_MEMBER)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    email = StringField(
        _l("E-mail address"),
        validators=[Optional(), Length(max=254)],
        description=_l("Only if they have one."),
    )
    street_address = StringField(_l("Street and house number"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    member_buurt = SelectField(_l("Buurt where they live"), validators=[Optional()])

    # Consent given on the phone, recorded on their behalf.
    purposes = CheckboxesField(
        _l("They agreed that the cooperative may"),
        choices=[],
        default=[ConsentPurpose.MEMBERSHIP.value],
    )
    method = SelectField(_l("How did they agree?"), default=ConsentMethod.PHONE.value)

    # The request.
    category = SelectField(_l("What kind of help?"))
    description = TextAreaField(
        _l("What is needed?"),
        validators=[Optional(), Length(max=2000)],
        description=_l("In their words: what, and anything the volunteer should know."),
    )
    urgency = SelectField(_l("How soon?"), default=Urgency.NORMAL.value)
    buurt_code = SelectField(
        _l("Where is the help needed?"),
        validators=[Optional()],
        description=_l("The buurt; the address is the resident's own."),
    )
    preferred_slots = CheckboxesField(_l("When does it suit them?"), choices=[], default=[])
    recurrence = SelectField(_l("How often?"), default=Recurrence.NONE.value)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Choices in the reader's language, so they are made per request.
        self.member_buurt.choices = buurt_choices(str(_l("I do not know")))
        self.purposes.choices = choices("consent_purpose")
        self.method.choices = [c for c in choices("consent_method") if c[0] != ConsentMethod.ONLINE]
        self.category.choices = [("", str(_l("Choose …"))), *category_choices()]
        self.urgency.choices = choices("urgency")
        self.buurt_code.choices = buurt_choices(str(_l("Where the resident lives")))
        self.preferred_slots.choices = [(s, slot_label(s)) for s in AVAILABILITY_SLOTS]
        self.recurrence.choices = choices("recurrence")


class CloseForm(FlaskForm):
    """Cancel or refer a request: to whom, and why."""

    referral_to = SelectField(_l("Referred to"), validators=[Optional()])
    note = TextAreaField(_l("Why?"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.referral_to.choices = [("", str(_l("Choose …"))), *choices("referral_target")]
