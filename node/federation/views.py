"""The federation status page for the node's administrator: deliveries, receipts, failures, next attempt."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from node.accounts.services import actor_for_account
from node.federation.status import federation_status, retry_failed
from node.federation.sync import sync
from node.menu import FEDERATION_ORDER, MenuEntry
from schemas.node.codes import Role
from wijknet.web.transaction import commits

federation_pages = Blueprint("federation_pages", __name__, url_prefix="/admin/federation")
MENU = MenuEntry(
    "federation_pages.status",
    _l("Reporting to the city"),
    frozenset({Role.ADMIN}),
    FEDERATION_ORDER,
    section="federation_pages",
)


@federation_pages.get("")
@login_required
@commits
def status() -> str:
    return render_template("federation/status.html", status=federation_status(actor_for_account(current_user)))


@federation_pages.post("/sync")
@login_required
@commits
def sync_now() -> Response:
    summary = sync(actor_for_account(current_user), now_for_all=True)
    made, delivered, failed = len(summary["revisions"]), summary["delivered"], summary["failed"]
    if summary["waiting"]:
        flash(
            _(
                "%(made)d new reports; %(delivered)d delivered, %(waiting)d waiting for the hub. "
                "They will be sent again automatically.",
                made=made,
                delivered=delivered,
                waiting=summary["waiting"],
            ),
            "warning",
        )
    elif failed:
        flash(_("%(failed)d reports were refused by the hub; see below why.", failed=failed), "error")
    else:
        flash(_("%(made)d new reports; %(delivered)d delivered.", made=made, delivered=delivered), "success")
    return redirect(url_for("federation_pages.status"))


@federation_pages.post("/outbox/<id:item_id>/retry")
@login_required
@commits
def retry(item_id: int) -> Response:
    retry_failed(actor_for_account(current_user), item_id)
    flash(_("The report will be sent again with the next delivery."), "success")
    return redirect(url_for("federation_pages.status"))
