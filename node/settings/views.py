"""The settings page: the smallest number the figures show, how long request texts are kept, the privacy version."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from node.accounts.services import actor_for_account
from node.settings.forms import SettingsForm
from node.settings.services import all_settings, update_settings
from wijknet.web.transaction import commits

settings_pages = Blueprint("settings", __name__, url_prefix="/settings")


@settings_pages.route("", methods=["GET", "POST"])
@login_required
@commits
def edit() -> tuple[str, int] | Response:
    actor = actor_for_account(current_user)
    current = all_settings(actor)
    form = SettingsForm(data=current)
    if form.validate_on_submit():
        changes = {key: form[key].data for key in current if form[key].data != current[key]}
        if changes:
            update_settings(actor, changes)
            flash(_("The settings are saved."), "success")
        else:
            flash(_("Nothing was changed."), "success")
        return redirect(url_for(".edit"))
    return render_template("admin/settings.html", form=form), 422 if form.is_submitted() else 200
