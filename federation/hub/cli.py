"""`wijknet hub ...`: set up, serve and look after the city hub."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.services import create_user, find_user, generate_password
from federation.hub.accounts.tokens import create_token
from federation.hub.app import create_app
from federation.hub.areas import services as areas
from federation.hub.areas.utrecht import EXAMPLE_CSV, EXAMPLE_YEAR
from federation.hub.config import CONFIG_FILENAME
from federation.hub.extensions import db
from federation.hub.figures.services import audit_view, current_figures
from federation.hub.instance import init_instance
from federation.hub.jobs import start_hub_scheduler
from federation.hub.municipal import services as municipal
from federation.hub.registry import services as registry
from federation.hub.registry.replacement import invite_replacement
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
role_option = click.option("--role", required=True, type=click.Choice([r.value for r in HubRole]))
municipality_option = click.option(
    "--municipality", help="CBS municipality code (GM0344): required for, and only for, the municipality role."
)


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
@click.option("--admin-email", help="Make the first administrator's account; its password is printed once.")
@friendly_errors
def init_command(
    instance: Path,
    database_url: str | None,
    hub_id: str | None,
    name: str | None,
    min_count: int | None,
    admin_email: str | None,
) -> None:
    """Create the hub (configuration, signing key, database, first administrator) or upgrade its database."""
    summary = init_instance(instance, database_url=database_url, hub_id=hub_id, name=name, min_count=min_count)
    say(f"Hub {'created' if summary['created'] else 'upgraded'} in {instance}; signing key {summary['kid']}.")
    if admin_email:
        summary["admin"] = _first_admin(instance, admin_email)
    result(summary)


def _first_admin(instance: Path, email: str) -> dict[str, str]:
    """The administrator's account with a generated password, unless the account exists already."""
    with transaction(load_app(instance), db):
        existing = find_user(email)
        if existing is not None:
            say(f"The account {existing.email} exists already; its password is unchanged.")
            return {"email": existing.email, "role": existing.role.value}
        password = generate_password()
        user = create_user(
            HubActor.system(CLI_ACTOR), email=email, role=HubRole.ADMIN, municipality=None, name=None, password=password
        )
        created = {"email": user.email, "role": user.role.value, "password": password}
    say(f"Administrator {created['email']} can log in with the password below; it is shown this once.")
    return created


def read_password() -> tuple[str, bool]:
    """The first line of stdin when it is piped in, else a new generated one (and True)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if line:
            return line, False
    return generate_password(), True


@hub_group.command("user")
@instance_option
@click.option("--email", required=True, help="The e-mail address people log in with.")
@role_option
@municipality_option
@click.option("--name", help="Display name; defaults to the e-mail's local part.")
@friendly_errors
def user_command(instance: Path, email: str, role: str, municipality: str | None, name: str | None) -> None:
    """Create an account; the password comes from stdin or is generated and printed once."""
    app = load_app(instance)
    password, generated = read_password()
    with transaction(app, db):
        user = create_user(
            HubActor.system(CLI_ACTOR),
            email=email,
            role=HubRole(role),
            municipality=municipality,
            name=name,
            password=password,
        )
        output: dict[str, Any] = {"email": user.email, "role": role, "municipality": user.municipality, "id": user.id}
    say(f"Account ready for {output['email']} ({role}" + (f", {municipality})." if municipality else ")."))
    if generated:
        output["password"] = password  # shown this once; only its hash is kept
    result(output)


@hub_group.command("token")
@instance_option
@role_option
@municipality_option
@click.option("--name", default="command line", show_default=True, help="For whom or what the token is.")
@friendly_errors
def token_command(instance: Path, role: str, municipality: str | None, name: str) -> None:
    """Print a new API token once, as JSON: {"token": ...}; only its hash is kept."""
    app = load_app(instance)
    with transaction(app, db):
        raw, token = create_token(HubActor.system(CLI_ACTOR), role=HubRole(role), municipality=municipality, name=name)
        output = {"token": raw, "id": token.id, "role": role, "municipality": token.municipality}
    result(output)


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
@click.option("--name", help="The name the hub shows for the node.")
@click.option("--municipality", help="CBS municipality code, e.g. GM0344.")
@click.option("--area", "areas", multiple=True, help="CBS code (GM, WK or BU); repeat.")
@click.option(
    "--replaces",
    metavar="OLD_NODE_ID",
    help="A node without a usable key (revoked) that comes back under the new id: by default its name and areas.",
)
@friendly_errors
def invite_command(
    instance: Path,
    node_id: str,
    name: str | None,
    municipality: str | None,
    areas: tuple[str, ...],
    replaces: str | None,
) -> None:
    """Invite a node; prints {"token": ..., "expires_at": ...} once: only its hash is kept."""
    if replaces is None and not (name and municipality and areas):
        raise click.UsageError("Give --name, --municipality and at least one --area (or --replaces OLD_NODE_ID).")
    app = load_app(instance)
    with transaction(app, db):
        days = app.extensions["wijknet.settings"].invitation_days
        if replaces is None:
            made = registry.invite(
                CLI_ACTOR,
                node_id=node_id,
                name=name or "",
                municipality=municipality or "",
                areas=list(areas),
                now=utcnow(),
                valid_days=days,
            )
        else:
            made = invite_replacement(
                CLI_ACTOR,
                replaces=replaces,
                node_id=node_id,
                name=name,
                municipality=municipality,
                areas=list(areas) or None,
                now=utcnow(),
                valid_days=days,
            )
        expires_at = made.invitation.expires_at
    if replaces is not None:
        say(f"Node {replaces} is suspended and its figures no longer count; {node_id} sends every month again.")
    say(f"Invitation for {node_id}; give the token to the node's administrator. It works once, for {days} days.")
    if replaces is not None:
        say(f"On the node: wijknet node enroll --again --hub URL --node-id {node_id} --token TOKEN")
    result({"token": made.token, "expires_at": format_timestamp(expires_at), "node_id": node_id, "replaces": replaces})


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
        usable = registry.has_usable_key(key.node)
        new_id = None if usable else registry.suggested_node_id(node_id)
    if usable:
        say(f"Key {kid} of node {node_id} is revoked; the node still has another usable key.")
    else:
        say(
            f"Key {kid} of node {node_id} is revoked; the node has no usable key left and can send nothing more. "
            f"A node id enrols only once: to let the node come back, invite it under a new id with "
            f"`wijknet hub invite --node-id {new_id} --replaces {node_id}`."
        )
    result({"kid": kid, "node_id": node_id, "status": "revoked", "node_has_usable_key": usable})


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


# --- area reference data ---------------------------------------------------------------------------
SKIPPED_SHOWN = 50


@hub_group.group("areas")
def areas_group() -> None:
    """Area reference data: CBS codes, names and population."""


@areas_group.command("seed-utrecht")
@instance_option
@click.option("--example-population", is_flag=True, help="Also import the demo's example population (not CBS figures).")
@friendly_errors
def seed_utrecht_command(instance: Path, example_population: bool) -> None:
    """GM0344 Utrecht and its ten wijken by CBS code and name, for the demo city."""
    with transaction(load_app(instance), db):
        seeded = areas.seed_utrecht(CLI_ACTOR)
        example = (
            areas.import_cbs_csv(CLI_ACTOR, EXAMPLE_CSV.read_bytes(), year=EXAMPLE_YEAR) if example_population else None
        )
    say(f"Utrecht and its wijken: {len(seeded.created)} added, {len(seeded.renamed)} renamed.")
    if example:
        say(f"Example population for {example.imported} areas (example figures, not CBS figures).")
    result(
        {
            "created": seeded.created,
            "renamed": seeded.renamed,
            "example_population": example.created + example.updated if example else [],
        }
    )


@areas_group.command("import")
@instance_option
@click.option(
    "--csv", "csv_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='CBS "Kerncijfers wijken en buurten" as CSV (the open-data export or the StatLine download).',
)  # fmt: skip
@click.option("--year", required=True, type=int, help="The year the figures are for (CBS has one table a year).")
@click.option("--source", help='Where the figures come from (default: "CBS, Kerncijfers wijken en buurten YEAR").')
@click.option("--municipality", help="Import only this municipality's rows, e.g. GM0344.")
@friendly_errors
def import_areas_command(
    instance: Path, csv_file: Path, year: int, source: str | None, municipality: str | None
) -> None:
    """Import codes, names and population per area; every row or, on an error, none."""
    with transaction(load_app(instance), db):
        done = areas.import_cbs_csv(
            CLI_ACTOR, csv_file.read_bytes(), year=year, source=source, municipality=municipality
        )
    for row in done.skipped[:SKIPPED_SHOWN]:
        say(f"  skipped line {row.line} ({row.text}): {row.reason}")
    if len(done.skipped) > SKIPPED_SHOWN:
        say(f"  ... and {len(done.skipped) - SKIPPED_SHOWN} more skipped lines (all of them in the JSON below)")
    say(
        f"Imported {done.imported} areas ({len(done.created)} new, {len(done.updated)} updated) for {year} "
        f"from {csv_file.name}; {len(done.without_population)} without a population, "
        f"{len(done.skipped)} lines skipped"
        + (f", {done.elsewhere} of other municipalities left out." if municipality else ".")
    )
    result(
        {
            "year": done.year,
            "source": done.source,
            "created": done.created,
            "updated": done.updated,
            "without_population": done.without_population,
            "skipped": [{"line": r.line, "text": r.text, "reason": r.reason} for r in done.skipped],
            "elsewhere": done.elsewhere,
        }
    )


# --- municipal reports -----------------------------------------------------------------------------


@hub_group.group("municipal-report")
def municipal_report_group() -> None:
    """Signed reports for the municipality (JSON, CSV, PDF), by month or quarter."""


@municipal_report_group.command("make")
@instance_option
@click.option("--municipality", required=True, help="CBS municipality code, e.g. GM0344.")
@click.option("--period", required=True, help="A month (2026-10) or a quarter (2026-Q4).")
@friendly_errors
def make_municipal_report_command(instance: Path, municipality: str, period: str) -> None:
    """Make the report now; a new version only when its content differs from the latest one."""
    app = load_app(instance)
    with transaction(app, db):
        made = municipal.make_report(municipality.strip().upper(), period, utcnow())
        output = {
            "id": made.report.id,
            "municipality": made.report.municipality,
            "period": made.report.period,
            "revision": made.report.revision,
            "new": made.new,
            "digest": made.report.digest,
        }
    if made.new:
        say(f"Report {output['municipality']} {output['period']} version {output['revision']} made and signed.")
    else:
        say(f"The figures have not changed; version {output['revision']} stands.")
    result(output)


@municipal_report_group.command("list")
@instance_option
@click.option("--municipality", help="One municipality only.")
@friendly_errors
def list_municipal_reports_command(instance: Path, municipality: str | None) -> None:
    """Every version of every report, as JSON."""
    with transaction(load_app(instance), db):
        rows = [
            {
                "id": r.id,
                "municipality": r.municipality,
                "period": r.period,
                "revision": r.revision,
                "made_at": format_timestamp(r.made_at),
                "digest": r.digest,
                "kid": r.kid,
            }
            for r in municipal.list_reports(HubActor.system(CLI_ACTOR), municipality)
        ]
    result({"reports": rows})
