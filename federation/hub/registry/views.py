"""The registry's pages for the hub's administrator: invite nodes, watch their delivery, suspend, revoke keys."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import show_errors
from federation.hub.accounts.menu import REGISTRY_ORDER, MenuEntry
from federation.hub.config import HubSettings
from federation.hub.figures.services import audit_view
from federation.hub.registry import services as registry
from federation.hub.registry.health import SILENT_AFTER
from federation.hub.registry.models import Node
from federation.hub.registry.replacement import invite_replacement
from federation.protocol.areas import MUNICIPALITY_PATTERN, area_level, contains
from federation.protocol.messages import NODE_ID_PATTERN
from wijknet.errors import Conflict, InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

registry_pages = Blueprint("registry", __name__, url_prefix="/registry")
MENU = MenuEntry("registry.nodes", _l("Registry"), frozenset({HubRole.ADMIN}), REGISTRY_ORDER, section="registry")
RECENT_REPORTS = 24  # two years of monthly reports on the node's page
AREA_SEPARATORS = re.compile(r"[\s,;]+")


def settings() -> HubSettings:
    return current_app.extensions["wijknet.settings"]


def split_areas(text: str | None) -> list[str]:
    return [code.upper() for code in AREA_SEPARATORS.split(text or "") if code]


class InviteForm(FlaskForm):
    node_id = StringField(
        _l("Node id"),
        validators=[DataRequired(), Length(max=63)],
        description=_l("Lower-case letters, digits and '-', e.g. zuilen. The node uses it for good."),
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The name the hub shows, e.g. Buurtcoöperatie Zuilen."),
    )
    municipality = StringField(_l("Municipality code"), validators=[DataRequired(), Length(max=6)])
    areas = TextAreaField(
        _l("Areas"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("CBS codes of the wijken or buurten it reports on, separated by spaces, e.g. WK034402."),
    )
    replaces = HiddenField()  # a node without a usable key that comes back under the new node id

    def validate_node_id(self, field: Field) -> None:
        if not NODE_ID_PATTERN.match(field.data or ""):
            raise ValidationError(_("Use lower-case letters, digits and '-', 2 to 63 long, e.g. zuilen."))

    def validate_municipality(self, field: Field) -> None:
        field.data = (field.data or "").strip().upper()
        if not MUNICIPALITY_PATTERN.fullmatch(field.data):
            raise ValidationError(_("A CBS municipality code like GM0344."))

    def validate_areas(self, field: Field) -> None:
        problems = []
        for code in split_areas(field.data):
            if area_level(code) is None:
                problems.append(_("%(code)s is not a CBS code (GM, WK or BU).", code=code))
            elif MUNICIPALITY_PATTERN.fullmatch(self.municipality.data or "") and not contains(
                self.municipality.data, code
            ):
                problems.append(
                    _("%(code)s does not lie in %(municipality)s.", code=code, municipality=self.municipality.data)
                )
        if problems:
            raise ValidationError(" ".join(problems))


@registry_pages.get("")
@page_access(HubRole.ADMIN)
@commits
def nodes() -> str:
    actor, now = page_actor(), utcnow()
    return render_template(
        "registry/nodes.html",
        summaries=registry.node_overview(actor, now, settings().report_deadline_day),
        invitations=registry.pending_invitations(actor, now),
        deadline_day=settings().report_deadline_day,
        silent_days=SILENT_AFTER.days,
        now=now,
    )


@registry_pages.route("/invite", methods=["GET", "POST"])
@page_access(HubRole.ADMIN)
@commits
def invite() -> str | tuple[str, int]:
    """The invitation form; the token is on the answer to it, once, with the command that uses it.

    `?replaces=<node_id>` invites a node that has no usable key again, under a new node id.
    """
    form = InviteForm()
    replaced = _replaced_node(form)
    if form.validate_on_submit():
        try:
            made = _make_invitation(form, replaced)
        except Conflict:
            if replaced is not None and registry.has_usable_key(replaced):
                message = _("%(node)s still has a usable key: its node can rotate it instead.", node=replaced.node_id)
                flash(message, "error")
            else:
                form.node_id.errors = [_("A node with this id is already registered; a node id enrols only once.")]
        except InvalidInput as exc:
            for message in show_errors(form, exc):
                flash(message, "error")
        else:
            hub_url = (settings().public_url or request.url_root).rstrip("/")
            page = render_template(
                "registry/invitation_made.html", made=made, token=made.token, hub_url=hub_url, replaced=replaced
            )
            return page, 201
    return render_template("registry/invite.html", form=form, replaced=replaced), 422 if form.is_submitted() else 200


def _replaced_node(form: InviteForm) -> Node | None:
    """The node the invitation replaces, if any; on first showing the form takes its name and areas."""
    node_id = form.replaces.data if form.is_submitted() else request.args.get("replaces")
    if not node_id:
        return None
    node = registry.get_node(node_id)
    if not form.is_submitted():
        form.replaces.data = node.node_id
        form.node_id.data = registry.suggested_node_id(node.node_id)
        form.name.data, form.municipality.data, form.areas.data = node.name, node.municipality, " ".join(node.areas)
    return node


def _make_invitation(form: InviteForm, replaced: Node | None) -> registry.NewInvitation:
    fields = {
        "node_id": form.node_id.data or "",
        "name": form.name.data or "",
        "municipality": form.municipality.data or "",
        "areas": split_areas(form.areas.data),
        "now": utcnow(),
        "valid_days": settings().invitation_days,
    }
    if replaced is None:
        return registry.invite(page_actor(), **fields)
    return invite_replacement(page_actor(), replaces=replaced.node_id, **fields)


@registry_pages.get("/nodes/<node_id>")
@page_access(HubRole.ADMIN)
@commits
def node(node_id: str) -> str:
    actor, now = page_actor(), utcnow()
    summary = registry.node_summary(actor, node_id, now, settings().report_deadline_day)
    reports = audit_view(node_id)[-RECENT_REPORTS:][::-1]
    return render_template(
        "registry/node.html",
        summary=summary,
        node=summary.node,
        reports=reports,
        invitations=registry.invitations_for(actor, node_id),
        events=registry.node_events(actor, node_id),
        now=now,
    )


@registry_pages.post("/nodes/<node_id>/suspend")
@page_access(HubRole.ADMIN)
@commits
def suspend(node_id: str) -> Response:
    registry.suspend(page_actor(), node_id, utcnow())
    flash(_("%(node)s is suspended: the hub refuses its reports until you reinstate it.", node=node_id), "success")
    return redirect(url_for("registry.node", node_id=node_id))


@registry_pages.post("/nodes/<node_id>/reinstate")
@page_access(HubRole.ADMIN)
@commits
def reinstate(node_id: str) -> Response:
    registry.reinstate(page_actor(), node_id)
    flash(_("%(node)s is active again: the hub accepts its reports.", node=node_id), "success")
    return redirect(url_for("registry.node", node_id=node_id))


@registry_pages.post("/keys/<kid>/revoke")
@page_access(HubRole.ADMIN)
@commits
def revoke_key(kid: str) -> Response:
    key = registry.revoke_key(page_actor(), kid, utcnow())
    flash(
        _(
            "The key is revoked: the hub refuses everything signed with it from now on. "
            "Reports it signed before stay, marked in the list below.",
        ),
        "success",
    )
    return redirect(url_for("registry.node", node_id=key.node_id))
