"""The administrator's pages for accounts and API tokens. Passwords and tokens are shown once."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from federation.hub.accounts import services, tokens
from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.audit import recent_events
from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import NewUserForm, TokenForm, show_errors
from federation.hub.accounts.menu import ACCOUNTS_ORDER, MenuEntry
from wijknet.errors import Conflict, InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

users = Blueprint("users", __name__, url_prefix="/admin")
MENU = MenuEntry("users.list_users", _l("Accounts"), frozenset({HubRole.ADMIN}), ACCOUNTS_ORDER, section="users")


@users.get("/users")
@page_access(HubRole.ADMIN)
@commits
def list_users() -> str:
    actor = page_actor()
    people = services.list_users(actor)
    return render_template(
        "accounts/users.html",
        users=people,
        emails={user.id: user.email for user in people},
        events=recent_events(actor),
        me=actor.user_id,
    )


@users.route("/users/new", methods=["GET", "POST"])
@page_access(HubRole.ADMIN)
@commits
def new_user() -> str | tuple[str, int]:
    form = NewUserForm()
    if form.validate_on_submit():
        password = services.generate_password()
        try:
            user = services.create_user(
                page_actor(),
                email=form.email.data or "",
                role=HubRole(form.role.data),
                municipality=form.municipality.data,
                name=form.name.data,
                password=password,
            )
        except Conflict:
            form.email.errors = [_("There is already an account with this e-mail address.")]
        except InvalidInput as exc:
            for message in show_errors(form, exc):
                flash(message, "error")
        else:
            return render_template("accounts/password_once.html", user=user, password=password, new=True), 201
        return render_template("accounts/user_new.html", form=form), 422
    return render_template("accounts/user_new.html", form=form), 422 if form.is_submitted() else 200


@users.post("/users/<id:user_id>/password")
@page_access(HubRole.ADMIN)
@commits
def reset_password(user_id: int) -> str:
    """A new password for someone who forgot theirs; shown on this page only."""
    user, password = services.reset_password(page_actor(), user_id)
    return render_template("accounts/password_once.html", user=user, password=password, new=False)


@users.post("/users/<id:user_id>/deactivate")
@page_access(HubRole.ADMIN)
@commits
def deactivate(user_id: int) -> Response:
    user = services.set_active(page_actor(), user_id, False)
    flash(_("%(email)s can no longer log in; their sessions have ended.", email=user.email), "success")
    return redirect(url_for("users.list_users"))


@users.post("/users/<id:user_id>/reactivate")
@page_access(HubRole.ADMIN)
@commits
def reactivate(user_id: int) -> Response:
    user = services.set_active(page_actor(), user_id, True)
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("users.list_users"))


@users.route("/api-tokens", methods=["GET", "POST"])
@page_access(HubRole.ADMIN)
@commits
def api_tokens() -> str | tuple[str, int]:
    """The tokens, and a form for a new one; the new token is shown once, on the answer to the form."""
    actor = page_actor()
    form = TokenForm()
    status = 200
    if form.validate_on_submit():
        days = int(form.lifetime.data or 0)
        try:
            raw, token = tokens.create_token(
                actor,
                role=HubRole(form.role.data),
                municipality=form.municipality.data,
                name=form.name.data or "",
                expires_at=utcnow() + timedelta(days=days) if days else None,
            )
        except InvalidInput as exc:
            for message in show_errors(form, exc):
                flash(message, "error")
        else:
            me_url = current_app.extensions["wijknet.settings"].base_url(request.url_root) + url_for("me.Me")
            return render_template("accounts/token_once.html", token=token, raw=raw, me_url=me_url), 201
    if form.is_submitted():
        status = 422
    return render_template("accounts/tokens.html", form=form, tokens=tokens.list_tokens(actor), now=utcnow()), status


@users.post("/api-tokens/<id:token_id>/revoke")
@page_access(HubRole.ADMIN)
@commits
def revoke_token(token_id: int) -> Response:
    token = tokens.revoke_token(page_actor(), token_id)
    flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    return redirect(url_for("users.api_tokens"))
