"""Activities (ontmoeting) as pages: what the cooperative organised and how many took part; coordinators add them.

Participants are a count, never a list of names (node.activities.models);
the organiser's name is shown only to those who may see that member.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from node.accounts.actor import Actor
from node.accounts.permissions import may_see_member
from node.accounts.services import actor_for_account
from node.activities.services import ActivityFilter, create_activity, get_activity, list_activities, update_activity
from node.code_labels import buurt_choices, category_choices, install_code_labels
from node.members.services import MemberFilter, get_member, list_members
from node.menu import ACTIVITIES_ORDER, MenuEntry
from schemas.node.codes import MembershipStatus, Role
from wijknet.errors import InvalidInput
from wijknet.web.transaction import commits

PAGE_SIZE = 50
MAX_PARTICIPANTS = 100_000  # as the API's schema
MEMBER_CHOICES = 2000

activity_pages = Blueprint("activity_pages", __name__, url_prefix="/activities")
activity_pages.record_once(install_code_labels)
MENU = MenuEntry(
    "activity_pages.overview",
    _l("Activities"),
    frozenset({Role.COORDINATOR, Role.ADMIN}),
    ACTIVITIES_ORDER,
    section="activity_pages",
)
FIELD_PROBLEMS = {
    "buurt_code": _l("Choose one of this cooperative's buurten."),
    "organiser_id": _l("Choose the organiser from the list, or nobody."),
}


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False  # GET: it changes nothing

    category = SelectField(_l("Category"), default="")
    buurt = SelectField(_l("Buurt"), default="")


class ActivityForm(FlaskForm):
    title = StringField(_l("What was it"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"))
    held_on = DateField(_l("Held on"), validators=[InputRequired()])
    buurt_code = SelectField(_l("Buurt"))
    location = StringField(_l("Where"), validators=[Optional(), Length(max=200)])
    participants = IntegerField(
        _l("Number of participants"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_PARTICIPANTS)],
        description=_l("Count the people who came; names are not recorded."),
    )
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])


class ParticipantsForm(FlaskForm):
    participants = IntegerField(
        _l("Number of participants"), validators=[InputRequired(), NumberRange(min=0, max=MAX_PARTICIPANTS)]
    )


def _actor() -> Actor:
    return actor_for_account(current_user)


def _filter_form() -> ActivityFilterForm:
    form = ActivityFilterForm(formdata=request.args)
    form.category.choices = [SelectChoice("", _l("All categories")), *category_choices()]
    form.buurt.choices = [SelectChoice("", _l("All buurten")), *buurt_choices()]
    return form


def _activity_choices(form: ActivityForm, actor: Actor) -> None:
    form.category.choices = category_choices()
    form.buurt_code.choices = [SelectChoice("", _l("Whole wijk, or not known")), *buurt_choices()]
    members = list_members(actor, MemberFilter(status=MembershipStatus.ACTIVE), 1, MEMBER_CHOICES).items
    nobody = SelectChoice(0, _l("Nobody in particular"))
    form.organiser_id.choices = [nobody, *(SelectChoice(m.id, m.name) for m in members)]


@activity_pages.get("")
@login_required
@commits
def overview() -> tuple[str, int]:
    """Everyone logged in may see what the cooperative organises (node.activities.services)."""
    actor = _actor()
    form = _filter_form()
    if request.args and not form.validate():
        return render_template("activities/overview.html", form=form, result=None, may_add=actor.is_staff), 400
    page = max(1, request.args.get("page", 1, type=int) or 1)
    filters = ActivityFilter(category=form.category.data or None, buurt_code=form.buurt.data or None)
    result = list_activities(actor, filters, page, PAGE_SIZE)
    return render_template("activities/overview.html", form=form, result=result, may_add=actor.is_staff), 200


@activity_pages.route("/new", methods=["GET", "POST"])
@login_required
@commits
def new_activity() -> str | Response | tuple[str, int]:
    actor = _actor()
    form = ActivityForm(organiser_id=0)
    _activity_choices(form, actor)
    problem = None
    if form.validate_on_submit():
        data: dict[str, Any] = {name: value for name, value in form.data.items() if name != "csrf_token"}
        data["title"] = data["title"].strip()
        data["buurt_code"] = data["buurt_code"] or None
        data["location"] = (data["location"] or "").strip() or None
        data["description"] = (data["description"] or "").strip() or None
        data["organiser_id"] = data["organiser_id"] or None
        try:
            activity = create_activity(actor, data)
        except InvalidInput as exc:
            problem = _place_errors(form, exc)
        else:
            flash(_("The activity was added."), "success")
            return redirect(url_for("activity_pages.activity", activity_id=activity.id))
    status = 400 if request.method == "POST" else 200
    return render_template("activities/new.html", form=form, problem=problem), status


def _place_errors(form: FlaskForm, exc: InvalidInput) -> str:
    unplaced = []
    for error in exc.errors:
        message = str(FIELD_PROBLEMS.get(error.field, error.message))
        if error.field in form._fields:
            form[error.field].errors = [*form[error.field].errors, message]
        else:
            unplaced.append(message)
    return " ".join(unplaced) or _("Some fields need another look; see the notes next to them.")


def _activity_page(actor: Actor, activity_id: int, form: ParticipantsForm) -> str:
    found = get_activity(actor, activity_id)
    organiser = None
    if found.organiser_id is not None and may_see_member(actor, found.organiser_id):
        organiser = get_member(actor, found.organiser_id)
    return render_template(
        "activities/activity.html", activity=found, organiser=organiser, form=form, may_change=actor.is_staff
    )


@activity_pages.get("/<id:activity_id>")
@login_required
@commits  # seeing the organiser is recorded in the audit log
def activity(activity_id: int) -> str:
    actor = _actor()
    form = ParticipantsForm(participants=get_activity(actor, activity_id).participants)
    return _activity_page(actor, activity_id, form)


@activity_pages.post("/<id:activity_id>/participants")
@login_required
@commits
def record_participants(activity_id: int) -> Response | tuple[str, int]:
    actor = _actor()
    form = ParticipantsForm()
    if form.validate_on_submit():
        update_activity(actor, activity_id, {"participants": form.participants.data})
        flash(_("The number of participants was saved."), "success")
        return redirect(url_for("activity_pages.activity", activity_id=activity_id))
    return _activity_page(actor, activity_id, form), 400
