"""The coordinator's actions on matches, from a request's page: propose, accept or decline, withdraw, log hours."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response
from wtforms import Field

from node.help.views import broker_page, page_actor, request_page, status_changed_meanwhile, words
from node.matching.forms import HoursForm, ProposeForm
from node.matching.services import change_status, get_match, propose
from node.work.time_logs import log_hours
from schemas.node.codes import MatchStatus
from schemas.node.work import TimeLogIn
from wijknet.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from wijknet.web.transaction import commits

match_pages = Blueprint("match_pages", __name__, url_prefix="/requests/<id:request_id>/matches")
match_pages.context_processor(words)  # a refused form shows the request's page again

# What each button does to a match, and what the page says after it.
MATCH_ACTIONS = {
    "accept": MatchStatus.ACCEPTED,
    "decline": MatchStatus.DECLINED,
    "withdraw": MatchStatus.WITHDRAWN,
}


def _back(request_id: int) -> Response:
    return redirect(url_for("request_pages.show", request_id=request_id))


def _staff() -> None:
    if not page_actor().is_staff:
        raise PermissionDenied(_("Brokering help needs the coordinator role; ask an administrator for it."))


@match_pages.post("")
@broker_page
@commits
def propose_volunteer(request_id: int) -> Response:
    _staff()
    form = ProposeForm()
    if not form.validate() or not (form.volunteer_id.data or "").isdigit():
        flash(_("Choose a volunteer from the suggestions."), "error")
        return _back(request_id)
    try:
        match = propose(page_actor(), request_id, int(form.volunteer_id.data))
    except Conflict:
        flash(_("This volunteer has already been asked for this request."), "error")
    except InvalidTransition:
        flash(status_changed_meanwhile(), "error")
    except InvalidInput:
        flash(_("This person cannot be proposed: they are not an active volunteer (any more)."), "error")
    else:
        flash(
            _(
                "%(name)s is proposed. Call them, and mark below whether they accept.",
                name=match.volunteer.name,
            ),
            "success",
        )
    return _back(request_id)


@match_pages.post("/<id:match_id>/status")
@broker_page
@commits
def change(request_id: int, match_id: int) -> Response:
    _staff()
    actor = page_actor()
    if get_match(actor, match_id).request_id != request_id:
        return _back(request_id)  # a stale page: the match belongs to another request
    status = MATCH_ACTIONS.get(request.form.get("action", ""))
    if status is None:
        flash(_("That button is unknown here; nothing was changed."), "error")
        return _back(request_id)
    try:
        match = change_status(actor, match_id, status)
    except InvalidTransition:
        flash(status_changed_meanwhile(), "error")
        return _back(request_id)
    messages = {
        MatchStatus.ACCEPTED: _("%(name)s helps. You can now see how to reach each other.", name=match.volunteer.name),
        MatchStatus.DECLINED: _("%(name)s cannot help this time. Choose someone else.", name=match.volunteer.name),
        MatchStatus.WITHDRAWN: _("The match with %(name)s is withdrawn.", name=match.volunteer.name),
    }
    flash(messages[status], "success")
    return _back(request_id)


@match_pages.post("/<id:match_id>/hours")
@broker_page
@commits
def hours(request_id: int, match_id: int) -> Response | tuple[str, int]:
    _staff()
    actor = page_actor()
    match = get_match(actor, match_id)
    if match.request_id != request_id:
        return _back(request_id)
    form = HoursForm(prefix=f"hours-{match_id}")
    valid = form.validate()
    for field in (form.worked_on, form.hours):
        if field.errors:
            _refuse(field)
    data = _hours_data(form, match.volunteer_id, match_id) if valid else None
    if data is None:
        return request_page(actor, request_id, forms={f"hours-{match_id}": form}, status=400)
    try:
        log_hours(actor, data)
    except InvalidInput as exc:
        for error in exc.errors:
            if error.field == "worked_on":
                form.worked_on.errors = [_("Hours cannot be logged for a day in the future.")]
        if not form.worked_on.errors:
            flash(_("Hours go on a match the volunteer accepted."), "error")
        return request_page(actor, request_id, forms={f"hours-{match_id}": form}, status=400)
    flash(
        _("%(hours)s hours logged for %(name)s.", hours=form.hours.data, name=match.volunteer.name),
        "success",
    )
    return _back(request_id)


def _hours_data(form: HoursForm, volunteer_id: int, match_id: int) -> dict[str, object] | None:
    """The form through the API's schema; Dutch decimal commas are read as points."""
    text = (form.hours.data or "").strip().replace(",", ".")
    try:
        Decimal(text)
    except InvalidOperation:
        _refuse(form.hours)
        return None
    raw = {
        "member_id": volunteer_id,
        "match_id": match_id,
        "worked_on": form.worked_on.data.isoformat(),
        "hours": text,
        "paid": bool(form.paid.data),
        "note": form.note.data or None,
    }
    try:
        return TimeLogIn().load(raw)
    except ValidationError as exc:
        for key in exc.normalized_messages():
            _refuse(form[key] if key in ("hours", "worked_on") else form.note)
        return None


def _refuse(field: Field) -> None:
    """Say beside the field what it needs, in the reader's language."""
    problems = {
        "worked_on": _("Give the date on which the work was done."),
        "hours": _("Give the hours as a number from 0,01 to 24, e.g. 1,5."),
        "note": _("At most 500 characters, on one line."),
    }
    field.errors = [problems[field.short_name]]
