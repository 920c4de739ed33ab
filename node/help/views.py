"""The coordinator's front desk: the inbox of requests, phone intake, and one request's page."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from node.accounts.actor import Actor
from node.accounts.services import actor_for_account
from node.areas.services import node_areas
from node.help.forms import NEW_MEMBER, CloseForm, IntakeForm
from node.help.inbox import count_per_category
from node.help.intake import take_in
from node.help.labels import category_choices, choices, label
from node.help.requests import RequestFilter, change_status, get_request, list_requests
from node.matching.services import MatchFilter, contact_details, list_matches
from node.matching.suggestions import suggest_volunteers
from node.members.models import Member
from node.members.services import MemberFilter, get_member, list_members
from node.menu import INBOX_ORDER, INTAKE_ORDER, MenuEntry
from node.work.time_logs import TimeLogFilter, list_time_logs
from schemas.node.codes import CLOSED_STATUSES, ConsentMethod, ConsentPurpose, MatchStatus, RequestStatus, Role
from schemas.node.help import HelpRequestIn
from schemas.node.members import MemberIn
from wijknet.errors import (
    Conflict,
    DomainError,
    FieldError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

F = TypeVar("F", bound=Callable[..., Any])

BROKERS = frozenset({Role.COORDINATOR, Role.ADMIN})
PAGE_SIZE = 25
SEARCH_SIZE = 10

request_pages = Blueprint("request_pages", __name__, url_prefix="/requests")
intake_pages = Blueprint("intake_pages", __name__)
# In the menu of coordinators only: the services let no one else broker, an administrator included.
COORDINATORS = frozenset({Role.COORDINATOR})
INBOX_MENU = MenuEntry("request_pages.inbox", _l("Request inbox"), COORDINATORS, INBOX_ORDER, section="request_pages")
INTAKE_MENU = MenuEntry("intake_pages.intake", _l("Phone intake"), COORDINATORS, INTAKE_ORDER)

# The inbox's status filter: one status, or a group of them.
STATUS_GROUPS: dict[str, list[RequestStatus] | None] = {
    "open": [RequestStatus.OPEN],
    "active": [RequestStatus.OPEN, RequestStatus.MATCHED, RequestStatus.IN_PROGRESS],
    **{s.value: [s] for s in RequestStatus if s != RequestStatus.OPEN},
    "all": None,
}


def broker_page(view: F) -> F:
    """A page for coordinators (and administrators): others get 403, someone not logged in the login page."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not any(current_user.member.has_role(r) for r in BROKERS):
            raise PermissionDenied(_("This page is for coordinators."))
        return view(*args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


def page_actor() -> Actor:
    return actor_for_account(current_user)


@request_pages.context_processor
@intake_pages.context_processor
def words() -> dict[str, Any]:
    return {
        "label": label,
        "buurt_names": {a.code: a.name for a in node_areas()},
        "hours_text": lambda hours: format_decimal(hours, format="#,##0.##"),
    }


# --- the inbox ------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    status: str = "open"
    category: str = ""
    buurt_code: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Unknown values fall back to the default: a filter link that went stale still shows the inbox."""
        status = args.get("status", "open")
        category = args.get("category", "")
        buurt = args.get("buurt_code", "")
        page = args.get("page", "1")
        return cls(
            status=status if status in STATUS_GROUPS else "open",
            category=category if category in dict(category_choices()) else "",
            buurt_code=buurt if buurt in {a.code for a in node_areas()} else "",
            page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    def link(self, **changes: Any) -> str:
        values = {"status": self.status, "category": self.category, "buurt_code": self.buurt_code, **changes}
        return url_for("request_pages.inbox", **{k: v for k, v in values.items() if v not in ("", None, 1)})


def status_filter_choices() -> list[tuple[str, str]]:
    return [
        ("open", _("waiting for a match")),
        ("active", _("not finished yet")),
        *((s, w) for s, w in choices("request_status") if s != RequestStatus.OPEN),
        ("all", _("all requests")),
    ]


@request_pages.get("")
@broker_page
@commits
def inbox() -> str:
    actor = page_actor()
    filters = InboxFilters.from_args(request.args)
    if not actor.is_staff:
        return render_template("help/inbox.html", filters=filters, needs_coordinator_role=True)
    statuses = STATUS_GROUPS[filters.status]
    wanted = RequestFilter(
        status=statuses, category=filters.category or None, buurt_code=filters.buurt_code or None, sort="waiting"
    )
    result = list_requests(actor, wanted, filters.page, PAGE_SIZE)
    counts = count_per_category(actor, statuses, filters.buurt_code or None)
    return render_template(
        "help/inbox.html",
        filters=filters,
        result=result,
        counts=[(code, words, counts[code]) for code, words in category_choices() if counts.get(code)],
        status_choices=status_filter_choices(),
        categories=category_choices(),
        buurten=[a for a in node_areas() if a.level == "buurt"],
        now=utcnow(),
        needs_coordinator_role=False,
    )


# --- phone intake ---------------------------------------------------------------------------

# What to say beside a field the schema or a service refused.
FIELD_PROBLEMS = {
    "name": _l("Write down their name."),
    "email": _l("This is not an e-mail address. Leave it empty if they have none."),
    "phone": _l("Use digits, with spaces, +, ( ) or - if you like."),
    "street_address": _l("At most 200 characters."),
    "postcode": _l("A Dutch postcode looks like 3551 AB."),
    "member_buurt": _l("Choose one of this cooperative's buurten."),
    "buurt_code": _l("Choose one of this cooperative's buurten."),
    "category": _l("Choose what kind of help is needed."),
    "description": _l("At most 2000 characters."),
    "urgency": _l("Choose how soon."),
    "preferred_slots": _l("Choose from the times shown."),
    "recurrence": _l("Choose how often."),
    "purposes": _l(
        "Without their agreement that the cooperative keeps their details (membership), "
        "no request can be taken in. Ask them, and tick it."
    ),
    "method": _l("Choose how they agreed."),
    "member_id": _l("Search again and choose who asks, or choose a new resident."),
}
MEMBER_FIELDS = {"name": "name", "email": "email", "phone": "phone", "street_address": "street_address"}
MEMBER_FIELDS |= {"postcode": "postcode", "buurt_code": "member_buurt"}
REQUEST_FIELDS = {f: f for f in ("category", "description", "urgency", "buurt_code", "preferred_slots", "recurrence")}
# Where a service's complaint about a field belongs on the form.
SERVICE_FIELDS = {"requester_id": "purposes", "method": "method"}


def _mark(form: FlaskForm, field: str) -> None:
    message = str(FIELD_PROBLEMS.get(field, _l("Check this field.")))
    errors = list(form[field].errors)
    if message not in errors:
        form[field].errors = [*errors, message]


def _explain(form: FlaskForm) -> None:
    """Say in the reader's words what the form itself refused (WTForms' own messages are generic)."""
    if form.csrf_token.errors:
        flash(_("Your session had expired. Check what is filled in and save again."), "error")
    for field in form:
        if field.errors and field.name != "csrf_token":
            field.errors = []
            _mark(form, field.name)


def _load(schema: Schema, form: FlaskForm, fields: dict[str, str]) -> dict[str, Any] | None:
    """The form's values through the API's schema; refused fields are marked on the form."""
    try:
        return schema.load({key: form[name].data for key, name in fields.items()})
    except ValidationError as exc:
        for key in exc.normalized_messages():
            _mark(form, fields.get(key, "member_id"))
        return None


def _found_members(actor: Actor, form: IntakeForm) -> list[Member]:
    """The members the search finds, and the one chosen before (so a choice survives a redisplay)."""
    found = list_members(actor, MemberFilter(q=form.q.data), 1, SEARCH_SIZE).items if form.q.data else []
    chosen = form.member_id.data or ""
    if chosen.isdigit() and all(str(m.id) != chosen for m in found):
        try:
            found.insert(0, get_member(actor, int(chosen)))
        except NotFound:
            form.member_id.data = NEW_MEMBER
    return found


def _who(member: Member) -> str:
    """A found member as the coordinator tells people apart on the phone: name, postcode, phone number."""
    return " · ".join(part for part in (member.name, member.postcode, member.phone) if part)


def _save_intake(actor: Actor, form: IntakeForm) -> Any:
    new = form.member_id.data == NEW_MEMBER
    member_data = request_data = None
    if new:
        member_data = _load(MemberIn(), form, MEMBER_FIELDS)
    elif not (form.member_id.data or "").isdigit():
        _mark(form, "member_id")
    chosen = {k: v for k, v in REQUEST_FIELDS.items() if k != "buurt_code" or form.buurt_code.data}
    request_data = _load(HelpRequestIn(), form, chosen)
    purposes = [ConsentPurpose(p) for p in form.purposes.data or []]
    if new and ConsentPurpose.MEMBERSHIP not in purposes:
        _mark(form, "purposes")
    if any(f.errors for f in form) or request_data is None or (new and member_data is None):
        return None
    try:
        return take_in(
            actor,
            member_id=None if new else int(form.member_id.data),
            new_member=member_data,
            purposes=purposes,
            method=ConsentMethod(form.method.data),
            request=request_data,
        )
    except InvalidInput as exc:
        _mark_service_errors(form, exc.errors, MEMBER_FIELDS if new else {})
    except Conflict:
        form.email.errors = [_("Another member already uses this e-mail address. Search for them instead.")]
    except NotFound:
        _mark(form, "member_id")
    return None


def _mark_service_errors(form: FlaskForm, errors: list[FieldError], member_fields: dict[str, str]) -> None:
    for error in errors:
        if error.field == "buurt_code":
            _mark(form, "buurt_code" if form.buurt_code.data else member_fields.get("buurt_code", "buurt_code"))
        elif error.field == "requester_id" and "ended" in error.message:
            form.member_id.errors = [_("Their membership has ended; it must be taken up again first.")]
        else:
            _mark(form, SERVICE_FIELDS.get(error.field, REQUEST_FIELDS.get(error.field, "member_id")))


@intake_pages.route("/intake", methods=["GET", "POST"])
@broker_page
@commits
def intake() -> str | Response | tuple[str, int]:
    actor = page_actor()
    if not actor.is_staff:
        return render_template("help/intake.html", needs_coordinator_role=True)
    form = IntakeForm()
    if request.method == "GET":
        form.q.data = (request.args.get("q") or "").strip()[:100]
    searching = request.form.get("action") == "search"
    status = 200
    if form.is_submitted() and not searching:
        form.validate()
        _explain(form)
        intake_done = _save_intake(actor, form)
        if intake_done is not None:
            flash(_("Saved: the request of %(name)s is in the inbox.", name=intake_done.member.name), "success")
            return redirect(url_for("request_pages.show", request_id=intake_done.help_request.id))
        status = 400
    found = _found_members(actor, form) if not form.q.errors else []
    form.member_id.choices = [(str(m.id), _who(m)) for m in found] + [(NEW_MEMBER, _("A new resident"))]
    if searching and len(found) == 1 and form.member_id.data == NEW_MEMBER and not (form.name.data or form.phone.data):
        form.member_id.data = str(found[0].id)
    return render_template(
        "help/intake.html",
        form=form,
        found=found,
        searched=bool(form.q.data) and (searching or request.method == "GET"),
        refused=status == 400,
        now=utcnow(),
        needs_coordinator_role=False,
    ), status


# --- one request ----------------------------------------------------------------------------


def request_page(
    actor: Actor, request_id: int, *, forms: Mapping[str, FlaskForm] | None = None, status: int = 200
) -> tuple[str, int]:
    """The request's page; `forms` brings back a form that was refused, with what was typed and why."""
    from node.matching.forms import HoursForm, ProposeForm

    help_request = get_request(actor, request_id)
    matches = list_matches(actor, MatchFilter(request_id=request_id), 1, 100).items
    working = [m for m in matches if m.status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)]
    forms = dict(forms or {})
    hours_forms = {m.id: forms.get(f"hours-{m.id}") or HoursForm(prefix=f"hours-{m.id}") for m in working}
    return render_template(
        "help/request.html",
        help_request=help_request,
        matches=matches,
        contacts={m.id: contact_details(actor, m) for m in working},
        hours={m.id: list_time_logs(actor, TimeLogFilter(match_id=m.id), 1, 100).items for m in working},
        hours_forms=hours_forms,
        suggestions=[] if help_request.is_closed else suggest_volunteers(actor, request_id),
        propose_form=ProposeForm(),
        close_form=forms.get("close") or CloseForm(),
        closed=help_request.status in CLOSED_STATUSES,
        may_start=help_request.status == RequestStatus.MATCHED,
        may_complete=help_request.status in (RequestStatus.MATCHED, RequestStatus.IN_PROGRESS),
        now=utcnow(),
    ), status


@request_pages.get("/<id:request_id>")
@broker_page
@commits
def show(request_id: int) -> tuple[str, int]:
    actor = page_actor()
    if not actor.is_staff:
        raise PermissionDenied(_("Brokering help needs the coordinator role; ask an administrator for it."))
    return request_page(actor, request_id)


# What each button on the request page does, and what the page says after it.
STATUS_ACTIONS: dict[str, tuple[RequestStatus, Any]] = {
    "start": (RequestStatus.IN_PROGRESS, _l("Marked as started.")),
    "complete": (RequestStatus.DONE, _l("The request is done.")),
    "cancel": (RequestStatus.CANCELLED, _l("The request is cancelled.")),
    "refer": (RequestStatus.REFERRED, _l("The request is referred.")),
}


@request_pages.post("/<id:request_id>/status")
@broker_page
@commits
def change(request_id: int) -> Response | tuple[str, int]:
    actor = page_actor()
    action = request.form.get("action", "")
    if action not in STATUS_ACTIONS:
        flash(_("That button is unknown here; nothing was changed."), "error")
        return redirect(url_for("request_pages.show", request_id=request_id))
    new_status, done = STATUS_ACTIONS[action]
    form = CloseForm()
    if not form.validate():
        return request_page(actor, request_id, forms={"close": form}, status=400)
    if action == "refer" and not form.referral_to.data:
        form.referral_to.errors = [_("Say to whom you refer the request.")]
        return request_page(actor, request_id, forms={"close": form}, status=400)
    try:
        change_status(
            actor,
            request_id,
            new_status,
            referral_to=form.referral_to.data or None if action == "refer" else None,
            note=(form.note.data or "").strip() or None if action in ("cancel", "refer") else None,
        )
    except InvalidTransition:
        flash(status_changed_meanwhile(), "error")
    except DomainError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        flash(_("This could not be saved; check the request and try again."), "error")
    else:
        flash(str(done), "success")
    return redirect(url_for("request_pages.show", request_id=request_id))


def status_changed_meanwhile() -> str:
    return _("That is no longer possible: the status has changed in the meantime. See the page as it is now.")
