"""The administrator's pages for accounts, roles and API tokens. Passwords and tokens are shown once.

Both blueprints sit inside the admin section (node/admin/views.py), so their
URLs start with /admin.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from node.accounts import management, services
from node.accounts.forms import NewAccountForm, RolesForm, TokenForm, show_errors
from node.accounts.permissions import require_role
from node.accounts.services import actor_for_account
from node.members.services import find_by_email
from schemas.node.codes import Role
from wijknet.errors import Conflict, InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

users = Blueprint("users", __name__, url_prefix="/users")
# An API call each kind of token may make, to show how a new token is used.
EXAMPLE_CALLS = {
    Role.MEMBER: "members.Me",
    Role.VOLUNTEER: "members.Me",
    Role.COORDINATOR: "members.Members",
    Role.ADMIN: "settings.Settings",
}
tokens = Blueprint("tokens", __name__, url_prefix="/tokens")


def _accounts_page(status: int = 200) -> tuple[str, int]:
    actor = actor_for_account(current_user)
    accounts = management.list_accounts(actor)
    return render_template("admin/users.html", accounts=accounts, me=actor.member_id), status


@users.get("")
@login_required
@commits
def list_accounts() -> tuple[str, int]:
    return _accounts_page()


@users.route("/new", methods=["GET", "POST"])
@login_required
@commits
def new_account() -> tuple[str, int]:
    actor = actor_for_account(current_user)
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            account, password = management.create_account(
                actor,
                email=form.email.data or "",
                name=(form.name.data or "").strip() or None,
                roles=[Role(r) for r in form.roles.data or []],
            )
        except InvalidInput as exc:
            messages = {"name": _("This person is not a member yet: give their name.")}
            for message in show_errors(form, exc, messages):
                flash(message, "error")
        except Conflict:
            form.email.errors = [*form.email.errors, _("This person already has an account; see the list.")]
        else:
            return render_template("admin/password_once.html", account=account, password=password, new=True), 201
    elif not form.is_submitted():
        require_role(actor, Role.ADMIN)  # the services check on submit; an empty form is checked here
    return render_template("admin/user_new.html", form=form), 422 if form.is_submitted() else 200


@users.post("/<id:account_id>/roles")
@login_required
@commits
def change_roles(account_id: int) -> tuple[str, int] | Response:
    actor = actor_for_account(current_user)
    form = RolesForm()
    if not form.validate_on_submit():
        flash(_("Those roles do not exist; choose from the list."), "error")
        return _accounts_page(400)
    try:
        account = management.change_roles(actor, account_id, [Role(r) for r in form.roles.data or []])
    except Conflict:
        flash(_refusal(account_id, _("You cannot take away your own administrator role.")), "error")
        return _accounts_page(409)
    flash(_("The roles of %(name)s are changed.", name=account.member.name), "success")
    return redirect(url_for(".list_accounts"))


@users.post("/<id:account_id>/password")
@login_required
@commits
def reset_password(account_id: int) -> str:
    """A new password for someone who forgot theirs; shown on this page only."""
    account, password = management.reset_password(actor_for_account(current_user), account_id)
    return render_template("admin/password_once.html", account=account, password=password, new=False)


@users.post("/<id:account_id>/deactivate")
@login_required
@commits
def deactivate(account_id: int) -> tuple[str, int] | Response:
    actor = actor_for_account(current_user)
    try:
        account = management.set_active(actor, account_id, False)
    except Conflict:
        flash(_refusal(account_id, _("You cannot switch off your own account.")), "error")
        return _accounts_page(409)
    flash(_("%(name)s can no longer log in; their sessions have ended.", name=account.member.name), "success")
    return redirect(url_for(".list_accounts"))


@users.post("/<id:account_id>/reactivate")
@login_required
@commits
def reactivate(account_id: int) -> tuple[str, int] | Response:
    try:
        account = management.set_active(actor_for_account(current_user), account_id, True)
    except Conflict:
        flash(_("This member's data was erased; they cannot log in again."), "error")
        return _accounts_page(409)
    flash(_("%(name)s can log in again.", name=account.member.name), "success")
    return redirect(url_for(".list_accounts"))


def _refusal(account_id: int, own_message: str) -> str:
    """Why a change to administrators was refused, in the reader's language (the service's words are English)."""
    if current_user.id == account_id:
        return own_message + " " + _("Ask another administrator.")
    return _("This is the last administrator; make someone else administrator first.")


@tokens.route("", methods=["GET", "POST"])
@login_required
@commits
def list_tokens() -> tuple[str, int]:
    """The tokens, and a form for a new one; the new token is shown once, on the answer to the form."""
    actor = actor_for_account(current_user)
    form = TokenForm()
    status = 200
    if form.validate_on_submit():
        member = find_by_email(form.email.data) if form.email.data else None
        days = int(form.lifetime.data or 0)
        if form.email.data and member is None:
            form.email.errors = [_("No member has this e-mail address.")]
        else:
            try:
                raw, token = services.create_token(
                    actor,
                    role=Role(form.role.data),
                    name=(form.name.data or "").strip(),
                    member_id=member.id if member else None,
                    expires_at=utcnow() + timedelta(days=days) if days else None,
                )
            except InvalidInput as exc:
                messages = {
                    "role": _("This member does not have that role. Give them the role first, or choose another."),
                    "member_id": _("A member's or volunteer's token acts for one member: give their e-mail address."),
                }
                for message in show_errors(form, exc, messages):
                    flash(message, "error")
            else:
                api_url = url_for(EXAMPLE_CALLS[token.role], _external=True)
                return render_template("admin/token_once.html", token=token, raw=raw, api_url=api_url), 201
    if form.is_submitted():
        status = 422
    listed = services.list_tokens(actor)
    return render_template("admin/tokens.html", form=form, tokens=listed, now=utcnow()), status


@tokens.post("/<id:token_id>/revoke")
@login_required
@commits
def revoke(token_id: int) -> Response:
    try:
        token = services.revoke_token(actor_for_account(current_user), token_id)
    except Conflict:
        flash(_("This token was already revoked."), "warning")
    else:
        flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    return redirect(url_for(".list_tokens"))
