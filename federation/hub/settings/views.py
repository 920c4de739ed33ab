"""The settings page for the hub's administrator: how volunteer hours are valued in euros, and from when."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import show_errors
from federation.hub.accounts.menu import SETTINGS_ORDER, MenuEntry
from federation.hub.settings.models import ValuationMethod
from federation.hub.settings.services import remove_valuation, set_valuation, valuations
from wijknet.errors import InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

settings_pages = Blueprint("settings", __name__, url_prefix="/settings")
MENU = MenuEntry("settings.valuation", _l("Settings"), frozenset({HubRole.ADMIN}), SETTINGS_ORDER, section="settings")
# The service's own words are English; these say the same in the reader's language.
FIELD_MESSAGES = {
    "method": _l("Choose replacement cost or market price."),
    "rate": _l("Euros per hour, above 0 and at most 1000, in whole cents (e.g. 15,50)."),
    "source": _l("Say whose figure the rate is (1 to 300 characters)."),
    "source_url": _l("An address starting with https://."),
}


class ValuationForm(FlaskForm):
    method = SelectField(
        _l("Method"),
        choices=[
            SelectChoice(ValuationMethod.REPLACEMENT_COST.value, _l("Replacement cost: what paid staff would cost")),
            SelectChoice(ValuationMethod.MARKET_PRICE.value, _l("Market price: what the same help costs when bought")),
        ],
        validators=[DataRequired()],
    )
    rate = StringField(
        _l("Rate in euros per hour"), validators=[DataRequired(), Length(max=12)], description=_l("For example 15,50")
    )
    source = StringField(
        _l("Source"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("Whose figure the rate is, e.g. a CBS table or a collective labour agreement."),
    )
    source_url = StringField(_l("Address of the source"), validators=[Optional(), Length(max=500)])
    valid_from = DateField(
        _l("Valid from"),
        validators=[DataRequired()],
        description=_l("Months ending on or after this day are valued at this rate; earlier months keep theirs."),
    )


@settings_pages.route("/valuation", methods=["GET", "POST"])
@page_access(HubRole.ADMIN)
@commits
def valuation() -> str | tuple[str, int] | Response:
    form = ValuationForm()
    if form.validate_on_submit():
        try:
            set_valuation(
                page_actor(),
                method=form.method.data or "",
                rate=form.rate.data or "",
                source=form.source.data or "",
                source_url=form.source_url.data,
                valid_from=form.valid_from.data or date.today(),
                now=utcnow(),
            )
        except InvalidInput as exc:
            for message in show_errors(form, exc, FIELD_MESSAGES):
                flash(message, "error")
        else:
            flash(_("The valuation is saved. The social value page uses it from now on."), "success")
            return redirect(url_for("settings.valuation"))
    status = 422 if form.is_submitted() else 200
    return render_template("settings/valuation.html", form=form, valuations=valuations()), status


@settings_pages.post("/valuation/<valid_from>/remove")
@page_access(HubRole.ADMIN)
@commits
def remove(valid_from: str) -> Response:
    try:
        day = date.fromisoformat(valid_from)
    except ValueError:
        flash(_("That valuation does not exist."), "error")
        return redirect(url_for("settings.valuation"))
    remove_valuation(page_actor(), day)
    flash(_("The valuation is removed; the one before it applies again."), "success")
    return redirect(url_for("settings.valuation"))
