"""The reports page (a municipality sees its own, the city cooperative every one) and the administrator's webhooks."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import show_errors
from federation.hub.accounts.menu import EVERYONE, REPORTS_ORDER, MenuEntry
from federation.hub.municipal import services, webhooks
from federation.hub.municipal.downloads import file_download, signature_download
from federation.hub.municipal.schemas import FORMATS
from wijknet.errors import InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.transaction import commits

municipal_reports = Blueprint("municipal_reports", __name__, url_prefix="/reports")
MENU = MenuEntry("municipal_reports.reports", _l("Reports"), EVERYONE, REPORTS_ORDER, section="municipal_reports")


class WebhookForm(FlaskForm):
    municipality = StringField(_l("Municipality code"), validators=[DataRequired(), Length(max=6)])
    url = StringField(
        _l("Address"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("Where the municipality receives its reports, e.g. https://gemeente.example.nl/wijknet."),
    )
    secret = PasswordField(
        _l("Shared secret"),
        validators=[Optional(), Length(min=webhooks.SECRET_MIN_LENGTH, max=200)],
        description=_l("Agreed with the municipality; leave empty to keep the current one (or to have one made)."),
    )


@municipal_reports.get("")
@page_access()
@commits
def reports() -> str:
    actor = page_actor()
    found = services.list_reports(actor)
    return render_template(
        "municipal/reports.html",
        reports=found,
        sizes=services.file_sizes([r.id for r in found]),
        formats=FORMATS,
        is_admin=actor.is_admin,
        own=actor.municipality,
    )


@municipal_reports.get("/<id:report_id>/<any(json, csv, pdf):file_format>")
@page_access()
@commits
def download(report_id: int, file_format: str) -> Response:
    return file_download(services.get_report(page_actor(), report_id), file_format)


@municipal_reports.get("/<id:report_id>/<any(json, csv, pdf):file_format>.jws")
@page_access()
@commits
def signature(report_id: int, file_format: str) -> Response:
    return signature_download(services.get_report(page_actor(), report_id), file_format)


@municipal_reports.route("/webhooks", methods=["GET", "POST"])
@page_access(HubRole.ADMIN)
@commits
def webhook_settings() -> str | tuple[str, int] | Response:
    actor = page_actor()
    form = WebhookForm()
    status = 200
    if form.validate_on_submit():
        try:
            hook = webhooks.set_webhook(
                actor,
                municipality=form.municipality.data or "",
                url=form.url.data or "",
                secret=form.secret.data,
                now=utcnow(),
            )
        except InvalidInput as exc:
            for message in show_errors(form, exc):
                flash(message, "error")
        else:
            flash(_("The webhook of %(municipality)s is saved.", municipality=hook.municipality), "success")
            return redirect(url_for("municipal_reports.webhook_settings"))
    if form.is_submitted():
        status = 422
    page = render_template(
        "municipal/webhooks.html",
        form=form,
        hooks=webhooks.webhooks(actor),
        deliveries=webhooks.recent_deliveries(actor),
    )
    return page, status


@municipal_reports.post("/webhooks/<municipality>/remove")
@page_access(HubRole.ADMIN)
@commits
def remove_webhook(municipality: str) -> Response:
    webhooks.remove_webhook(page_actor(), municipality)
    flash(_("The webhook of %(municipality)s is removed.", municipality=municipality), "success")
    return redirect(url_for("municipal_reports.webhook_settings"))
