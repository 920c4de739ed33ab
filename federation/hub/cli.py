"""`wijknet hub ...`: set up, serve and look after the city hub."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import click
from flask import Flask

from federation.hub.app import create_app
from federation.hub.config import CONFIG_FILENAME
from federation.hub.extensions import db
from federation.hub.figures.services import audit_view, current_figures
from federation.hub.instance import init_instance
from federation.hub.jobs import start_hub_scheduler
from federation.hub.registry import services as registry
from federation.protocol.messages import format_timestamp
from wijknet.commands import friendly_errors, transaction
from wijknet.output import result, say
from wijknet.web.database import utcnow
from wijknet.web.server import serve

instance_option = click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    envvar="WIJKNET_INSTANCE",
    help="The hub's instance folder (or WIJKNET_INSTANCE).",
)
CLI_ACTOR = "hub administrator (command line)"


def load_app(instance: Path) -> Flask:
    if not (instance / CONFIG_FILENAME).exists():
        raise click.ClickException(f"{instance} is not a hub instance; run `wijknet hub init` first.")
    return create_app(instance, {"scheduler": False})


@click.group("hub")
def hub_group() -> None:
    """The city cooperative's hub."""


@hub_group.command("init")
@instance_option
@click.option("--database-url", help="PostgreSQL URL; SQLite in the instance folder by default.")
@click.option("--hub-id", help="The hub's id in the protocol, e.g. samen030.")
@click.option("--name", help="The city cooperative's name.")
@click.option("--min-count", type=click.IntRange(3, 1000), help="The smallest count nodes may publish (default 5).")
@friendly_errors
def init_command(
    instance: Path, database_url: str | None, hub_id: str | None, name: str | None, min_count: int | None
) -> None:
    """Create the hub (configuration, signing key, database) or upgrade its database."""
    summary = init_instance(instance, database_url=database_url, hub_id=hub_id, name=name, min_count=min_count)
    say(f"Hub {'created' if summary['created'] else 'upgraded'} in {instance}; signing key {summary['kid']}.")
    result(summary)


@hub_group.command("run")
@instance_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5100, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@friendly_errors
def run_command(instance: Path, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the hub (gunicorn); the scheduled jobs run in one worker."""
    load_app(instance)  # fail here, with a message, on a bad configuration or key file

    def post_worker_init(worker: Any) -> None:
        start_hub_scheduler(worker.wsgi)
        # The app's own objects (modules, mappers, compiled SQL) live as long as the worker: kept out
        # of the garbage collector's full passes, which a report's thousands of dicts would otherwise
        # set off every few reports (about a quarter of intake's CPU time; docs/performance.md).
        gc.freeze()

    say(f"Serving the hub {instance} on http://{host}:{port}/")
    serve(
        lambda: create_app(instance),
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        post_worker_init=post_worker_init,
    )


@hub_group.command("invite")
@instance_option
@click.option("--node-id", required=True, help="The node's id, e.g. zuilen.")
@click.option("--name", required=True, help="The name the hub shows for the node.")
@click.option("--municipality", required=True, help="CBS municipality code, e.g. GM0344.")
@click.option("--area", "areas", multiple=True, required=True, help="CBS code (GM, WK or BU); repeat.")
@friendly_errors
def invite_command(instance: Path, node_id: str, name: str, municipality: str, areas: tuple[str, ...]) -> None:
    """Invite a node; prints {"token": ..., "expires_at": ...} once: only its hash is kept."""
    app = load_app(instance)
    with transaction(app, db):
        days = app.extensions["wijknet.settings"].invitation_days
        made = registry.invite(
            CLI_ACTOR,
            node_id=node_id,
            name=name,
            municipality=municipality,
            areas=list(areas),
            now=utcnow(),
            valid_days=days,
        )
        expires_at = made.invitation.expires_at
    say(f"Invitation for {node_id}; give the token to the node's administrator. It works once, for {days} days.")
    result({"token": made.token, "expires_at": format_timestamp(expires_at), "node_id": node_id})


@hub_group.command("suspend")
@instance_option
@click.option("--node-id", required=True)
@friendly_errors
def suspend_command(instance: Path, node_id: str) -> None:
    """Suspend a node: its messages get 403 node_suspended until it is reinstated."""
    with transaction(load_app(instance), db):
        registry.suspend(CLI_ACTOR, node_id, utcnow())
    say(f"Node {node_id} is suspended.")
    result({"node_id": node_id, "status": "suspended"})


@hub_group.command("reinstate")
@instance_option
@click.option("--node-id", required=True)
@friendly_errors
def reinstate_command(instance: Path, node_id: str) -> None:
    """Lift a node's suspension."""
    with transaction(load_app(instance), db):
        registry.reinstate(CLI_ACTOR, node_id)
    say(f"Node {node_id} is active again.")
    result({"node_id": node_id, "status": "active"})


@hub_group.command("revoke-key")
@instance_option
@click.option("--kid", required=True, help="The key id (RFC 7638 thumbprint).")
@friendly_errors
def revoke_key_command(instance: Path, kid: str) -> None:
    """Revoke a node's key (it was stolen): every later message signed by it gets 403 key_revoked."""
    with transaction(load_app(instance), db):
        key = registry.revoke_key(CLI_ACTOR, kid, utcnow())
        node_id = key.node_id
    say(f"Key {kid} of node {node_id} is revoked; the node must enrol a new key with a new invitation.")
    result({"kid": kid, "node_id": node_id, "status": "revoked"})


@hub_group.command("nodes")
@instance_option
@friendly_errors
def nodes_command(instance: Path) -> None:
    """The registered nodes with their areas and keys, as JSON."""
    with transaction(load_app(instance), db):
        nodes = [
            {
                "node_id": node.node_id,
                "name": node.name,
                "municipality": node.municipality,
                "areas": node.areas,
                "status": node.status.value,
                "keys": [
                    {
                        "kid": key.kid,
                        "current": key.is_current,
                        "retired_after": key.retired_after and format_timestamp(key.retired_after),
                        "revoked_at": key.revoked_at and format_timestamp(key.revoked_at),
                    }
                    for key in node.keys
                ],
            }
            for node in registry.list_nodes()
        ]
    result({"nodes": nodes})


@hub_group.command("figures")
@instance_option
@click.option("--node-id", help="One node only.")
@click.option("--period", help="One month only (YYYY-MM).")
@friendly_errors
def figures_command(instance: Path, node_id: str | None, period: str | None) -> None:
    """The current figures (highest revision per node and month), as JSON."""
    with transaction(load_app(instance), db):
        figures = [
            {
                "node_id": f.node_id,
                "period": f.period,
                "revision": f.revision,
                "area": f.area,
                "category": f.category,
                "metric": f.metric,
                "value": f.value,
                "suppressed": f.suppressed,
            }
            for f in current_figures(node_id, period)
        ]
    result({"figures": figures})


@hub_group.command("reports")
@instance_option
@click.option("--node-id", required=True)
@click.option("--period", help="One month only (YYYY-MM).")
@friendly_errors
def reports_command(instance: Path, node_id: str, period: str | None) -> None:
    """Every revision a node sent, with its receipt, and flags: current, signed by a key revoked since."""
    with transaction(load_app(instance), db):
        rows = [
            {
                "period": a.report.period,
                "revision": a.report.revision,
                "report_id": a.report.report_id,
                "complete": a.report.complete,
                "issued_at": format_timestamp(a.report.issued_at),
                "received_at": format_timestamp(a.report.received_at),
                "figures": a.report.figure_count,
                "kid": a.report.kid,
                "current": a.current,
                "key_revoked": a.key_revoked,
                "digest": a.report.digest,
            }
            for a in audit_view(node_id, period)
        ]
    flagged = sum(row["key_revoked"] for row in rows)
    say(f"{len(rows)} reports of {node_id}" + (f"; {flagged} signed by a key revoked since." if flagged else "."))
    result({"node_id": node_id, "reports": rows})
