"""The node's pages for people: the start page and logging in and out.

The coordinator's workspace and residents' self-service build on this.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from node.accounts.services import LoginOutcome, login
from node.areas.services import settings
from node.transaction import commits

pages = Blueprint("pages", __name__)


class LoginForm(FlaskForm):
    email = StringField("E-mailadres", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Wachtwoord", validators=[DataRequired(), Length(max=1024)])


@pages.get("/")
def home() -> str:
    return render_template("home.html", cooperative=settings().name)


@pages.route("/login", methods=["GET", "POST"])
@commits
def login_page() -> str | Response:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = login(form.email.data or "", form.password.data or "", request.remote_addr or "unknown")
        if result.outcome == LoginOutcome.OK and result.account is not None:
            login_user(result.account)
            return redirect(_safe_next(request.args.get("next")))
        if result.outcome == LoginOutcome.LOCKED:
            minutes = max(1, round(result.retry_after / 60))
            flash(f"Te vaak een verkeerd wachtwoord. Probeer het over {minutes} minuten opnieuw.", "error")
            status = 429
        else:
            flash("Dit e-mailadres en wachtwoord horen niet bij elkaar.", "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form, cooperative=settings().name), status


@pages.post("/logout")
def logout() -> Response:
    logout_user()
    return redirect(url_for("pages.home"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home")
