"""The hub's pages for everyone: the start page, logging in and out, and one's own account."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import ROLE_LABELS, LoginForm, PasswordForm, show_errors
from federation.hub.accounts.menu import menu_entries, start_endpoint
from federation.hub.accounts.services import LoginOutcome, change_own_password, login
from wijknet.errors import InvalidInput
from wijknet.web.routing import safe_next
from wijknet.web.transaction import commits

accounts = Blueprint("accounts", __name__)


@accounts.app_template_filter("role_label")
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))  # type: ignore[call-overload]


@accounts.get("/")
def home() -> str | Response:
    """Logged in: the dashboard, where there is one; otherwise a short welcome."""
    if current_user.is_authenticated:
        target = start_endpoint(current_user.role)
        if target is not None:
            return redirect(url_for(target))
    role = current_user.role if current_user.is_authenticated else None
    return render_template("accounts/home.html", entries=menu_entries(role))


@accounts.route("/login", methods=["GET", "POST"])
@commits
def login_page() -> tuple[str, int, dict[str, str]] | Response:
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        result = login(form.email.data or "", form.password.data or "", request.remote_addr or "unknown")
        if result.outcome == LoginOutcome.OK and result.user is not None:
            login_user(result.user)
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.home"))
        if result.outcome == LoginOutcome.LOCKED:
            minutes = max(1, -(-result.retry_after // 60))
            flash(_("Too many wrong passwords. Try again in %(minutes)d minutes.", minutes=minutes), "error")
            status, headers = 429, {"Retry-After": str(result.retry_after)}
        else:
            flash(_("This e-mail address and password do not belong together."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status, headers


@accounts.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login_page"))


@accounts.route("/account", methods=["GET", "POST"])
@page_access()
@commits
def account() -> str | tuple[str, int] | Response:
    """One's own account, and changing one's password (which logs out one's other sessions)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = change_own_password(page_actor(), form.current_password.data or "", form.password.data or "")
        except InvalidInput as exc:
            mine = {"current_password": _("This is not your current password.")}
            for message in show_errors(form, exc, mine):
                flash(message, "error")
            return render_template("accounts/account.html", form=form), 422
        login_user(user)  # this session goes on with the new password; the others end
        flash(_("Your password has been changed. Other sessions have been logged out."), "success")
        return redirect(url_for("accounts.account"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/account.html", form=form), status
