"""Residents' own pages: join, ask for help, offer help, my page, my data (download, consents, leaving).

Phone first and without JavaScript. Views parse the form, check formats with
the API's own schemas, call the services and show their refusals next to the
fields, keeping what the person typed.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError
from wtforms import SelectChoice

from node.accounts.actor import Actor
from node.accounts.services import actor_for_account
from node.areas.services import node_areas
from node.extensions import db
from node.help.offers import OfferFilter, create_offer, list_offers
from node.help.requests import RequestFilter, change_status, create_request, get_request, list_requests
from node.matching.services import MatchFilter, contact_details, list_matches
from node.matching.services import change_status as change_match_status
from node.members.services import get_member
from node.menu import OWN_PAGES_ORDER, MenuEntry
from node.privacy.services import erase_member, export_member_data
from node.residents import labels
from node.residents.consents import OPTIONAL_PURPOSES, active_purposes, set_optional_consents
from node.residents.forms import (
    AnswerForm,
    AskForm,
    ConfirmForm,
    ConsentsForm,
    JoinForm,
    LeaveForm,
    OfferForm,
    consent_field_name,
)
from node.residents.joining import join
from schemas.node.codes import ConsentPurpose, MatchStatus, RequestStatus
from schemas.node.help import HelpOfferIn, HelpRequestIn
from schemas.node.members import MemberIn
from wijknet.errors import Conflict, DomainError, InvalidInput
from wijknet.output import json_default
from wijknet.web.transaction import commits

residents = Blueprint("residents", __name__)
MENU = (
    MenuEntry("residents.me", _l("My page"), order=OWN_PAGES_ORDER),
    MenuEntry("residents.ask", _l("Ask for help"), order=OWN_PAGES_ORDER),
    MenuEntry("residents.offer", _l("Offer help"), order=OWN_PAGES_ORDER),
    MenuEntry("residents.my_data", _l("My details"), order=OWN_PAGES_ORDER),
)

# A resident has a handful of requests, offers and matches; more than this is a coordinator's account.
SHOWN_ON_MY_PAGE = 50
ANSWERS = {"accepted": MatchStatus.ACCEPTED, "declined": MatchStatus.DECLINED}

# The schemas' messages are for developers; these say what to do, per field.
FORMAT_MESSAGES: dict[str, Any] = {
    "email": _l("Write your e-mail address like this: name@example.nl."),
    "phone": _l("Use only digits, spaces and + ( ) -."),
    "postcode": _l("Write the postcode like this: 3551 AB."),
    "buurt_code": _l("Choose one of the neighbourhoods in the list."),
    "password": _l("Use at least 10 characters, without spaces at the start or end."),
}
# Schema fields that the forms ask for under another name.
FORM_FIELD_FOR = {"preferred_slots": "days", "availability": "days"}


def _actor() -> Actor:
    return actor_for_account(current_user)


def _buurt_choices(empty_label: Any) -> list[SelectChoice]:
    return [SelectChoice("", empty_label)] + [SelectChoice(a.code, a.name) for a in node_areas() if a.level == "buurt"]


def _field_message(field: str) -> Any:
    return FORMAT_MESSAGES.get(field, _l("This is not right yet. Please check it."))


def _checked(form: FlaskForm, schema: Schema, data: dict[str, Any]) -> dict[str, Any] | None:
    """The form's own checks and the API schema's formats, all at once, so every problem shows in one go.

    Returns the loaded data when both pass; otherwise each problem is put by its field.
    """
    valid = form.validate()
    try:
        loaded = schema.load(data)
    except ValidationError as error:
        for field in error.normalized_messages():
            _add_error(form, FORM_FIELD_FOR.get(field, field))
        return None
    return loaded if valid else None


def _add_error(form: FlaskForm, field: str) -> bool:
    """Put the plain message for `field` by that field (once); False when the form has no such field."""
    if field not in form:
        return False
    if not form[field].errors:
        form[field].errors = [_field_message(field)]
    return True


def _refused(form: FlaskForm, error: DomainError) -> int:
    """Show a service's refusal by the fields (or at the top) and keep what was typed; returns the status."""
    db.session.rollback()  # nothing of a refused step is kept
    placed = isinstance(error, InvalidInput) and any([_add_error(form, e.field) for e in error.errors])
    if not placed:
        flash(_("That did not work. Please try again, or call the cooperative and we will help you."), "error")
    return 409 if isinstance(error, Conflict) else 400


# --- joining ------------------------------------------------------------------


@residents.route("/join", methods=["GET", "POST"])
@commits
def join_page() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        flash(_("You are already a member."), "success")
        return redirect(url_for("residents.me"))
    form = JoinForm()
    form.buurt_code.choices = _buurt_choices(_l("I don't know"))
    status = 200
    if form.is_submitted():
        status = 400
        fields = ("name", "email", "phone", "street_address", "postcode", "buurt_code")
        data = _checked(form, MemberIn(), {f: form[f].data for f in fields})
        if data is not None:
            try:
                account = join(data, form.password.data or "", form.chosen_purposes())
            except Conflict as error:
                status = _refused(form, error)
                form.email.errors = [
                    _("There is already a member with this e-mail address. Log in, or call the cooperative.")
                ]
            except DomainError as error:
                status = _refused(form, error)
            else:
                login_user(account)
                return redirect(url_for("residents.welcome"))
    return render_template("residents/join.html", form=form), status


@residents.get("/welcome")
@login_required
def welcome() -> str:
    return render_template("residents/welcome.html")


# --- asking and offering ------------------------------------------------------


@residents.route("/ask", methods=["GET", "POST"])
@commits
def ask() -> str | Response | tuple[str, int]:
    if not current_user.is_authenticated:
        return render_template("residents/members_only.html", next_page=url_for("residents.ask"))
    form = AskForm(buurt_code=current_user.member.buurt_code or "")
    form.category.choices = labels.category_choices()
    form.days.choices = labels.day_choices()
    form.dayparts.choices = labels.daypart_choices()
    form.buurt_code.choices = _buurt_choices(_l("Somewhere else, or I'd rather say on the phone"))
    status = 200
    if form.is_submitted():
        status = 400
        data = _checked(
            form,
            HelpRequestIn(),
            {
                "category": form.category.data,
                "description": form.description.data or None,
                "urgency": form.urgency.data,
                "buurt_code": form.buurt_code.data or None,
                "preferred_slots": labels.slots_from(form.days.data or [], form.dayparts.data or []),
                "recurrence": form.recurrence.data,
            },
        )
        if data is not None:
            try:
                create_request(_actor(), data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                flash(_("Thank you. We have received your question and will look for someone to help you."), "success")
                return redirect(url_for("residents.me"))
    return render_template("residents/ask.html", form=form, examples=labels.CATEGORY_EXAMPLES), status


@residents.route("/offer", methods=["GET", "POST"])
@commits
def offer() -> str | Response | tuple[str, int]:
    if not current_user.is_authenticated:
        return render_template("residents/members_only.html", next_page=url_for("residents.offer"))
    form = OfferForm()
    form.categories.choices = labels.category_choices()
    form.days.choices = labels.day_choices()
    form.dayparts.choices = labels.daypart_choices()
    status = 200
    if form.is_submitted():
        status = 400
        data = _checked(
            form,
            HelpOfferIn(),
            {
                "categories": form.categories.data or [],
                "description": form.description.data or None,
                "availability": labels.slots_from(form.days.data or [], form.dayparts.data or []),
                "frequency": form.frequency.data,
            },
        )
        if data is not None:
            try:
                create_offer(_actor(), data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                flash(_("Thank you for offering help. We will contact you when someone needs you."), "success")
                return redirect(url_for("residents.me"))
    return render_template("residents/offer.html", form=form, examples=labels.CATEGORY_EXAMPLES), status


# --- my page ------------------------------------------------------------------


@residents.get("/me")
@login_required
@commits  # showing the other side's contact details is written to the audit log
def me() -> str:
    actor = _actor()
    requests = list_requests(actor, RequestFilter(), 1, SHOWN_ON_MY_PAGE).items
    offers = list_offers(actor, OfferFilter(), 1, SHOWN_ON_MY_PAGE).items
    matches = []
    for match in list_matches(actor, MatchFilter(), 1, SHOWN_ON_MY_PAGE).items:
        helping = actor.is_member(match.volunteer_id)
        contacts = contact_details(actor, match) or {}
        matches.append(
            {"match": match, "helping": helping, "contact": contacts.get("requester" if helping else "volunteer")}
        )
    return render_template(
        "residents/me.html",
        requests=requests,
        offers=offers,
        matches=matches,
        form=ConfirmForm(),
        labels=labels,
        closed=(RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REFERRED),
    )


@residents.route("/me/requests/<id:request_id>/withdraw", methods=["GET", "POST"])
@login_required
@commits
def withdraw_request(request_id: int) -> str | Response | tuple[str, int]:
    actor = _actor()
    help_request = get_request(actor, request_id)
    if not actor.is_member(help_request.requester_id):
        abort(404)  # a volunteer on the request sees it, but only the asker withdraws it here
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            change_status(actor, request_id, RequestStatus.CANCELLED)
        except DomainError as error:
            return render_template(
                "residents/withdraw.html", form=form, help_request=help_request, labels=labels
            ), _refused(form, error)
        flash(_("Your question has been withdrawn."), "success")
        return redirect(url_for("residents.me"))
    return render_template("residents/withdraw.html", form=form, help_request=help_request, labels=labels)


@residents.post("/me/matches/<id:match_id>/answer")
@login_required
@commits
def answer_match(match_id: int) -> Response:
    """A volunteer says yes or no to a match the coordinator proposed."""
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    answer = ANSWERS[form.answer.data or ""]
    change_match_status(_actor(), match_id, answer)
    if answer == MatchStatus.ACCEPTED:
        flash(_("Thank you! You can now see how to reach each other."), "success")
    else:
        flash(_("Thank you for letting us know. We will ask someone else."), "success")
    return redirect(url_for("residents.me"))


# --- my data ------------------------------------------------------------------


@residents.route("/me/data", methods=["GET", "POST"])
@login_required
@commits
def my_data() -> str | Response | tuple[str, int]:
    actor = _actor()
    member_id = current_user.member_id
    active = active_purposes(actor, member_id)
    form = ConsentsForm(data={consent_field_name(p): p in active for p in OPTIONAL_PURPOSES})
    if form.validate_on_submit():
        given, withdrawn = set_optional_consents(actor, member_id, form.chosen_purposes())
        if given or withdrawn:
            flash(_("Your choices have been saved."), "success")
        else:
            flash(_("Nothing has changed."), "success")
        return redirect(url_for("residents.my_data"))
    member = get_member(actor, member_id)
    return render_template(
        "residents/my_data.html",
        member=member,
        buurt_name=next((a.name for a in node_areas() if a.code == member.buurt_code), None),
        form=form,
        membership_given=ConsentPurpose.MEMBERSHIP in active,
    ), (400 if form.errors else 200)


@residents.get("/me/data/download")
@login_required
@commits  # the export is written to the audit log
def download_my_data() -> Response:
    data = export_member_data(_actor(), current_user.member_id)
    response = Response(
        json.dumps(data, indent=2, ensure_ascii=False, default=json_default), mimetype="application/json"
    )
    filename = f"wijknet-my-details-{date.today().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@residents.route("/me/leave", methods=["GET", "POST"])
@login_required
@commits
def leave() -> str | Response | tuple[str, int]:
    form = LeaveForm()
    status = 200
    if form.validate_on_submit():
        try:
            erase_member(_actor(), current_user.member_id)
        except Conflict:
            db.session.rollback()
            # The one refusal a logged-in member can meet: the cooperative would be left without an administrator.
            flash(_("You are the cooperative's last administrator. Make someone else administrator first."), "error")
            status = 409
        else:
            logout_user()
            flash(_("Your details have been erased and your membership has ended. Goodbye, and thank you."), "success")
            return redirect(url_for("pages.home"))
    elif form.is_submitted():
        status = 400
    return render_template("residents/leave.html", form=form), status
