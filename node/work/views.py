"""The wijkbedrijf's pages for coordinators: partners, their assignments with hours and revenue, logging hours."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, DecimalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from node.accounts.actor import Actor
from node.accounts.services import actor_for_account
from node.code_labels import buurt_choices, category_choices, code_label, install_code_labels
from node.members.services import MemberFilter, list_members
from node.menu import ASSIGNMENTS_ORDER, MenuEntry
from node.work.assignments import (
    AssignmentFilter,
    assignment_totals,
    create_assignment,
    create_partner,
    get_assignment,
    get_partner,
    list_assignments,
    list_invoices,
    list_partners,
    update_assignment,
)
from node.work.overview import partner_summaries
from node.work.time_logs import TimeLogFilter, list_time_logs, log_hours
from schemas.node.codes import AssignmentStatus, MembershipStatus, PartnerKind, Role
from schemas.node.work import MAX_EUROS
from wijknet.errors import Conflict, InvalidInput, InvalidTransition
from wijknet.web.transaction import commits

PAGE_SIZE = 50
# Whose hours can be logged: the active members, by name, in one list (a cooperative has hundreds, not more).
MEMBER_CHOICES = 2000
RECENT_LOGS = 100

work_pages = Blueprint("work_pages", __name__, url_prefix="/assignments")
work_pages.record_once(install_code_labels)
# Assignments are the coordinators' (node.work.assignments): an administrator brokers work with that role too.
MENU = MenuEntry(
    "work_pages.overview", _l("Assignments"), frozenset({Role.COORDINATOR}), ASSIGNMENTS_ORDER, section="work_pages"
)

# What the services' field errors mean, said so that a coordinator knows what to do.
FIELD_PROBLEMS = {
    "partner_id": _l("Choose a partner from the list."),
    "buurt_code": _l("Choose one of this cooperative's buurten."),
    "ends_on": _l("The end date lies before the start date."),
    "member_id": _l("Choose a member from the list."),
    "worked_on": _l("Hours cannot be logged for a day in the future."),
    "assignment_id": _l("Hours go on a running or finished assignment: start the assignment first."),
}
NEXT_STATUSES = {
    AssignmentStatus.PLANNED: (AssignmentStatus.ACTIVE, AssignmentStatus.CANCELLED),
    AssignmentStatus.ACTIVE: (AssignmentStatus.DONE, AssignmentStatus.CANCELLED),
}


class AmountField(DecimalField):
    """A decimal typed the Dutch way ("2,5") or the English way ("2.5"), in a text box that keeps what was typed."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata([str(v).strip().replace(",", ".") for v in valuelist])
        if self.data is not None and not self.data.is_finite():  # "NaN" and "Infinity" are decimals too
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of organisation"), choices=[SelectChoice(k.value) for k in PartnerKind])


class AssignmentForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=int, validate_choice=True)
    title = StringField(_l("What is to be done"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    category = SelectField(_l("Category"))
    buurt_code = SelectField(_l("Buurt"))
    paid = BooleanField(_l("Paid work"), default=True)
    budget_eur = AmountField(
        _l("Budget (euros)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=float(MAX_EUROS), message=_l("Give an amount in euros."))],
    )
    starts_on = DateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()], description=_l("Leave empty while it runs."))


class HoursForm(FlaskForm):
    member_id = SelectField(_l("Who worked"), coerce=int, validate_choice=True)
    worked_on = DateField(_l("Day"), validators=[InputRequired()], default=date.today)
    hours = AmountField(
        _l("Hours"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.01, max=24, message=_l("From 0,01 to 24 hours in a day."))],
    )
    paid = BooleanField(_l("Paid hours"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[SelectChoice(s.value) for s in AssignmentStatus])


def _actor() -> Actor:
    return actor_for_account(current_user)


def _show_problem(form: FlaskForm, exc: InvalidInput) -> str:
    """Put the service's objections next to the fields they concern; the rest is the page's message."""
    unplaced = []
    for error in exc.errors:
        field = getattr(form, error.field, None)
        message = str(FIELD_PROBLEMS.get(error.field, error.message))
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            unplaced.append(message)
    return " ".join(unplaced) or _("Some fields need another look; see the notes next to them.")


def _assignment_choices(form: AssignmentForm, actor: Actor) -> None:
    form.partner_id.choices = [SelectChoice(p.id, p.name) for p in list_partners(actor)]
    form.category.choices = category_choices()
    form.buurt_code.choices = [SelectChoice("", _l("Whole wijk, or not known")), *buurt_choices()]


def _member_choices(form: HoursForm, actor: Actor) -> None:
    members = list_members(actor, MemberFilter(status=MembershipStatus.ACTIVE), 1, MEMBER_CHOICES).items
    form.member_id.choices = [SelectChoice(m.id, m.name) for m in members]


@work_pages.get("")
@login_required
@commits
def overview() -> str:
    actor = _actor()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    result = list_assignments(actor, AssignmentFilter(), page, PAGE_SIZE)
    totals = assignment_totals([a.id for a in result.items])
    return render_template("work/overview.html", partners=partner_summaries(actor), result=result, totals=totals)


@work_pages.route("/new", methods=["GET", "POST"])
@login_required
@commits
def new_assignment() -> str | Response | tuple[str, int]:
    actor = _actor()
    form = AssignmentForm(partner_id=request.args.get("partner", type=int))
    _assignment_choices(form, actor)
    problem = None
    if form.validate_on_submit():
        data: dict[str, Any] = {name: value for name, value in form.data.items() if name != "csrf_token"}
        data["buurt_code"] = data["buurt_code"] or None
        data["description"] = (data["description"] or "").strip() or None
        data["title"] = data["title"].strip()
        try:
            assignment = create_assignment(actor, data)
        except InvalidInput as exc:
            problem = _show_problem(form, exc)
        else:
            flash(_("The assignment was added. Start it when the work begins, then log hours."), "success")
            return redirect(url_for("work_pages.assignment", assignment_id=assignment.id))
    status = 400 if request.method == "POST" else 200
    return render_template("work/assignment_new.html", form=form, problem=problem), status


@work_pages.route("/partners/new", methods=["GET", "POST"])
@login_required
@commits
def new_partner() -> str | Response | tuple[str, int]:
    actor = _actor()
    form = PartnerForm()
    form.kind.choices = [SelectChoice(k.value, code_label(k)) for k in PartnerKind]
    status = 200
    if form.validate_on_submit():
        try:
            partner = create_partner(actor, (form.name.data or "").strip(), PartnerKind(form.kind.data))
        except Conflict:
            form.name.errors = [_("There is a partner with this name already.")]
            status = 409
        else:
            flash(_("The partner was added. Now add its first assignment."), "success")
            return redirect(url_for("work_pages.new_assignment", partner=partner.id))
    elif request.method == "POST":
        status = 400
    else:
        list_partners(actor)  # the service's permission check: only coordinators see (and add) partners
    return render_template("work/partner_new.html", form=form), status


@work_pages.get("/partners/<id:partner_id>")
@login_required
@commits
def partner(partner_id: int) -> str:
    actor = _actor()
    found = get_partner(actor, partner_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    result = list_assignments(actor, AssignmentFilter(partner_id=partner_id), page, PAGE_SIZE)
    totals = assignment_totals([a.id for a in result.items])
    summary = next(s for s in partner_summaries(actor) if s.partner.id == partner_id)
    return render_template("work/partner.html", partner=found, summary=summary, result=result, totals=totals)


def _assignment_page(actor: Actor, assignment_id: int, hours_form: HoursForm, problem: str | None = None) -> str:
    found = get_assignment(actor, assignment_id)
    logs = list_time_logs(actor, TimeLogFilter(assignment_id=assignment_id), 1, RECENT_LOGS)
    status_form = StatusForm()
    status_form.status.choices = [SelectChoice(s.value, code_label(s)) for s in NEXT_STATUSES.get(found.status, ())]
    return render_template(
        "work/assignment.html",
        assignment=found,
        totals=assignment_totals([assignment_id])[assignment_id],
        logs=logs,
        invoices=list_invoices(actor, assignment_id),
        hours_form=hours_form,
        status_form=status_form,
        problem=problem,
    )


@work_pages.get("/<id:assignment_id>")
@login_required
@commits
def assignment(assignment_id: int) -> str:
    actor = _actor()
    form = HoursForm(formdata=None, paid=get_assignment(actor, assignment_id).paid)  # paid work: paid hours
    _member_choices(form, actor)
    return _assignment_page(actor, assignment_id, form)


@work_pages.post("/<id:assignment_id>/hours")
@login_required
@commits
def add_hours(assignment_id: int) -> Response | tuple[str, int]:
    actor = _actor()
    form = HoursForm()
    _member_choices(form, actor)
    problem = None
    if form.validate_on_submit():
        data = {
            "member_id": form.member_id.data,
            "assignment_id": assignment_id,
            "worked_on": form.worked_on.data,
            "hours": form.hours.data,
            "paid": form.paid.data,
            "note": (form.note.data or "").strip() or None,
        }
        try:
            log_hours(actor, data)
        except InvalidInput as exc:
            problem = _show_problem(form, exc)
        else:
            flash(_("The hours were logged."), "success")
            return redirect(url_for("work_pages.assignment", assignment_id=assignment_id))
    return _assignment_page(actor, assignment_id, form, problem), 400


@work_pages.post("/<id:assignment_id>/status")
@login_required
@commits
def change_status(assignment_id: int) -> Response:
    actor = _actor()
    form = StatusForm()
    form.status.choices = [SelectChoice(s.value) for s in AssignmentStatus]
    if form.validate_on_submit():
        status = AssignmentStatus(form.status.data)
        try:
            update_assignment(actor, assignment_id, {"status": status})
        except InvalidTransition:
            flash(_("The assignment's status changed in the meantime; look again and choose anew."), "error")
        else:
            flash(_("The status is now “%(status)s”.", status=code_label(status)), "success")
    else:
        flash(_("The status could not be changed; reload the page and try again."), "error")
    return redirect(url_for("work_pages.assignment", assignment_id=assignment_id))
