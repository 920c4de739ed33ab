"""The node's pages for people: the start page and logging in and out.

The coordinator's workspace and residents' self-service build on this.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from node.accounts.services import LoginOutcome, login
from wijknet.web.routing import safe_next
from wijknet.web.transaction import commits

pages = Blueprint("pages", __name__)


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


@pages.get("/")
def home() -> str:
    return render_template("home.html")


@pages.route("/login", methods=["GET", "POST"])
@commits
def login_page() -> str | Response:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = login(form.email.data or "", form.password.data or "", request.remote_addr or "unknown")
        if result.outcome == LoginOutcome.OK and result.account is not None:
            login_user(result.account)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        if result.outcome == LoginOutcome.LOCKED:
            minutes = max(1, round(result.retry_after / 60))
            flash(_("Too many wrong passwords. Try again in %(minutes)d minutes.", minutes=minutes), "error")
            status = 429
        else:
            flash(_("This e-mail address and password do not belong together."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@pages.post("/logout")
def logout() -> Response:
    logout_user()
    return redirect(url_for("pages.home"))
