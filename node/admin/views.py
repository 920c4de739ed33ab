"""The admin section: an overview at /admin, backups, and the account, token and settings pages inside it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from node.accounts.forms import ROLE_HINTS, ROLE_LABELS
from node.accounts.services import actor_for_account
from node.accounts.views import tokens, users
from node.admin.backups import backup_to_download, list_backups, make_backup
from node.admin.services import admin_overview
from node.menu import ADMIN_ORDER, MenuEntry
from node.settings.views import settings_pages
from schemas.node.codes import GRANTABLE_ROLES, Role
from wijknet.web.backup import BackupError
from wijknet.web.transaction import commits

admin = Blueprint("admin", __name__, url_prefix="/admin")
admin.register_blueprint(users)
admin.register_blueprint(tokens)
admin.register_blueprint(settings_pages)
MENU = MenuEntry("admin.overview", _l("Administration"), frozenset({Role.ADMIN}), ADMIN_ORDER, section="admin")


@admin.context_processor
def role_names() -> dict[str, Any]:
    return {
        "role_labels": ROLE_LABELS,
        "role_hints": ROLE_HINTS,
        "grantable_roles": [(role.value, ROLE_LABELS[role]) for role in GRANTABLE_ROLES],
    }


@admin.get("")
@login_required
@commits
def overview() -> str:
    overview = admin_overview(actor_for_account(current_user), current_app._get_current_object())
    return render_template("admin/overview.html", overview=overview)


@admin.get("/backups")
@login_required
@commits
def backups() -> str:
    found = list_backups(actor_for_account(current_user), current_app._get_current_object())
    return render_template("admin/backups.html", backups=found, instance=current_app.instance_path)


@admin.post("/backups")
@login_required
@commits
def backup_now() -> Response | tuple[str, int]:
    actor = actor_for_account(current_user)
    app = current_app._get_current_object()
    try:
        made = make_backup(actor, app)
    except BackupError as exc:
        flash(_("The backup could not be made: %(reason)s", reason=str(exc)), "error")
        found = list_backups(actor, app)
        return render_template("admin/backups.html", backups=found, instance=app.instance_path), 500
    flash(_("Backup %(name)s is made. Download it and keep it somewhere safe.", name=made.name), "success")
    return redirect(url_for(".backups"))


@admin.get("/backups/<name>")
@login_required
@commits
def download_backup(name: str) -> Response:
    path = backup_to_download(actor_for_account(current_user), current_app._get_current_object(), name)
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data and the node's secrets
    return response
