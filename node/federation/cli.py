"""`wijknet node enroll | sync | rotate-key | federation`: the node's side of the federation."""

from __future__ import annotations

from pathlib import Path

import click

from node.accounts.actor import Actor
from node.commands import instance_option, load_app
from node.extensions import db
from node.federation.enrollment import enroll, uncovered_areas
from node.federation.link import client_for
from node.federation.reenrollment import enroll_again
from node.federation.rotation import start_rotation
from node.federation.status import REVOKED_KEY_ADVICE, federation_status
from node.federation.sync import sync
from wijknet.commands import friendly_errors, transaction
from wijknet.output import result, say
from wijknet.web.database import utcnow


@click.command("enroll")
@instance_option
@click.option("--hub", "hub_url", required=True, help="The hub's address, e.g. https://hub.samen030.nl")
@click.option("--token", required=True, help="The invitation token the hub's administrator gave you.")
@click.option("--node-id", help="The node id the invitation is for (default: node_id in node.toml).")
@click.option(
    "--again",
    is_flag=True,
    help="The hub revoked this node's key: enrol a new key under the new node id of a new invitation.",
)
@friendly_errors
def enroll_command(instance: Path, hub_url: str, token: str, node_id: str | None, again: bool) -> None:
    """Enrol this node at its hub: make the signing key and register it with the invitation."""
    app = load_app(instance)
    node_id = node_id or (None if again else app.extensions["wijknet.settings"].node_id)
    if not node_id:
        raise click.ClickException("Say which node id the invitation is for: --node-id (or node_id in node.toml).")
    with transaction(app, db):
        make = enroll_again if again else enroll
        link = make(Actor.system("cli"), client_for(hub_url), node_id=node_id, token=token.strip(), now=utcnow())
        summary = {
            "node_id": link.node_id,
            "hub_id": link.hub_id,
            "hub": link.hub_url,
            "areas": link.areas,
            "min_count": link.min_count,
            "kid": link.kid,
        }
        missing = uncovered_areas(link)
    say(f"Enrolled at {summary['hub_id']} as {summary['node_id']}; signing key {summary['kid']}.")
    if again:
        say("Every month is sent again under the new node id with the next sync (`wijknet node sync`).")
        if app.extensions["wijknet.settings"].node_id not in (None, node_id):
            say(f'Set node_id = "{node_id}" in node.toml, or leave it out.')
    if missing:
        say(f"Warning: the hub did not register this node for {', '.join(missing)}; ask its administrator.")
    result(summary)


@click.command("sync")
@instance_option
@friendly_errors
def sync_command(instance: Path) -> None:
    """Make, sign and deliver the monthly reports whose figures changed, and try what waits now; print JSON."""
    app = load_app(instance)
    with transaction(app, db):
        summary = sync(Actor.system("cli"), now_for_all=True)
    revisions = summary["revisions"]
    made = ", ".join(f"{r['period']} r{r['revision']}" for r in revisions[:6]) or "none"
    if len(revisions) > 6:
        made = f"{len(revisions)} ({revisions[0]['period']} to {revisions[-1]['period']})"
    counts = f"delivered {summary['delivered']}, waiting {summary['waiting']}, failed {summary['failed']}"
    say(f"New revisions: {made}; {counts}.")
    for error in summary["errors"]:
        say(f"  {error}")
    if summary["key_revoked"]:
        say(REVOKED_KEY_ADVICE)
    result(summary)


@click.command("rotate-key")
@instance_option
@friendly_errors
def rotate_key_command(instance: Path) -> None:
    """Replace the node's signing key: the rotation is signed by both keys and delivered now if the hub answers."""
    app = load_app(instance)
    with transaction(app, db):
        item = start_rotation(Actor.system("cli"), utcnow())
        new_kid = item.subject_id
    with transaction(app, db):
        summary = sync(Actor.system("cli"), now_for_all=True)
    rotated = summary["delivered"] > 0 and not summary["waiting"]
    if rotated:
        say(f"The hub accepted the new key {new_kid}; the old one is retired.")
    else:
        say(f"The rotation to {new_kid} waits in the outbox and will be retried; see `wijknet node federation`.")
    result({"kid": new_kid, "accepted": rotated, **summary})


@click.command("federation")
@instance_option
@friendly_errors
def status_command(instance: Path) -> None:
    """The link to the hub, deliveries, receipts, failures and the next attempt, as JSON."""
    app = load_app(instance)
    with transaction(app, db):
        status = federation_status(Actor.system("cli"))
    result(status)


FEDERATION_COMMANDS = [enroll_command, sync_command, rotate_key_command, status_command]
