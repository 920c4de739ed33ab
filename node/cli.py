"""`wijknet node ...`: set up, serve and look after one cooperative's node."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

import click

from node.accounts.actor import Actor
from node.accounts.services import create_token, create_user
from node.app import create_app
from node.backup import backup_node, restore_node
from node.commands import instance_option, load_app
from node.extensions import db
from node.federation.cli import FEDERATION_COMMANDS
from node.instance import init_instance
from node.jobs import start_node_scheduler
from node.members.services import find_by_email
from node.privacy.services import apply_retention
from schemas.node.codes import Role
from wijknet.commands import friendly_errors, transaction
from wijknet.output import result, say
from wijknet.web.server import serve


def parse_buurt(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    buurten = {}
    for value in values:
        code, sep, name = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r}: use CODE=Name, e.g. BU03440201=Zuilen-Noord")
        buurten[code.strip()] = name.strip()
    return buurten


@click.group("node")
def node_group() -> None:
    """A neighbourhood cooperative's node."""


for _command in FEDERATION_COMMANDS:
    node_group.add_command(_command)


@node_group.command("init")
@instance_option
@click.option("--name", help="The cooperative's name, e.g. 'Buurtcoöperatie Zuilen'.")
@click.option("--database-url", help="PostgreSQL URL; SQLite in the instance folder by default.")
@click.option("--municipality", help="CBS municipality code, e.g. GM0344.")
@click.option("--wijk", help="CBS wijk code of the node's wijk, e.g. WK034402.")
@click.option("--buurt", "buurten", multiple=True, callback=parse_buurt, help="CODE=Name; repeat per buurt.")
@friendly_errors
def init_command(
    instance: Path,
    name: str | None,
    database_url: str | None,
    municipality: str | None,
    wijk: str | None,
    buurten: dict[str, str],
) -> None:
    """Create the node (configuration, secret key, database) or upgrade its database."""
    summary = init_instance(
        instance, name=name, database_url=database_url, municipality=municipality, wijk=wijk, buurten=buurten
    )
    say(f"Node {'created' if summary['created'] else 'upgraded'} in {instance}.")
    result(summary)


@node_group.command("run")
@instance_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32))
@friendly_errors
def run_command(instance: Path, host: str, port: int, workers: int) -> None:
    """Serve the node (gunicorn); the scheduled jobs run in one worker."""
    load_app(instance)  # fail here, with a message, on a bad configuration

    def post_worker_init(worker: Any) -> None:
        start_node_scheduler(worker.wsgi)

    say(f"Serving {instance} on http://{host}:{port}/")
    serve(lambda: create_app(instance), host=host, port=port, workers=workers, post_worker_init=post_worker_init)


def read_password() -> tuple[str, bool]:
    """The first line of stdin when it is piped in, else a new generated one (and True)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if line:
            return line, False
    return secrets.token_urlsafe(12), True


@node_group.command("user")
@instance_option
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", help="Display name; defaults to the e-mail's local part.")
@friendly_errors
def user_command(instance: Path, email: str, role: str, name: str | None) -> None:
    """Create an account; the password comes from stdin or is generated and printed once."""
    app = load_app(instance)
    password, generated = read_password()
    with transaction(app, db):
        account = create_user(Actor.system("cli"), email=email, role=Role(role), name=name, password=password)
        member_id = account.member_id
    say(f"Account ready for {email} ({role}).")
    output: dict[str, Any] = {"email": email.strip().lower(), "role": role, "member_id": member_id}
    if generated:
        output["password"] = password  # shown this once; only its hash is kept
    result(output)


@node_group.command("token")
@instance_option
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default="command line", show_default=True)
@click.option("--email", help="The member the token acts as (required for member and volunteer tokens).")
@friendly_errors
def token_command(instance: Path, role: str, name: str, email: str | None) -> None:
    """Print a new API token once, as JSON: {"token": ...}."""
    app = load_app(instance)
    with transaction(app, db):
        member_id = None
        if email:
            member = find_by_email(email)
            if member is None:
                raise click.ClickException(f"No member with e-mail {email}.")
            member_id = member.id
        raw, token = create_token(Actor.system("cli"), role=Role(role), name=name, member_id=member_id)
        token_id = token.id
    result({"token": raw, "id": token_id, "role": role})


@node_group.command("retention")
@instance_option
@friendly_errors
def retention_command(instance: Path) -> None:
    """Clear the free text of requests closed longer ago than the retention setting, now."""
    app = load_app(instance)
    with transaction(app, db):
        outcome = apply_retention()
    say(f"Free text cleared of {outcome.requests_cleared} requests closed before {outcome.cutoff:%Y-%m-%d}.")
    result(
        {
            "cutoff": outcome.cutoff,
            "requests_cleared": outcome.requests_cleared,
            "matches_cleared": outcome.matches_cleared,
            "time_logs_cleared": outcome.time_logs_cleared,
        }
    )


@node_group.command("backup")
@instance_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write; by default DIR/backups/wijknet-node-<UTC time>.zip.",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Afterwards delete all but the newest N timestamped archives in the archive's folder.",
)
@friendly_errors
def backup_command(instance: Path, output: Path | None, keep: int | None) -> None:
    """Write one archive of the database (one consistent snapshot, safe while the node runs) and instance files."""
    summary = backup_node(load_app(instance), output, keep)
    rows = sum(summary["tables"].values())
    say(f"Backup written to {summary['backup']} ({rows} rows, {summary['bytes']} bytes).")
    say("It holds personal data and the node's secret key: keep it as safe as the node itself.")
    if summary.get("pruned"):
        say(f"Deleted {len(summary['pruned'])} older backups.")
    result(summary)


@node_group.command("restore")
@instance_option
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An archive made by `wijknet node backup`.",
)
@click.option("--force", is_flag=True, help="Replace the data of a database that already holds some.")
@friendly_errors
def restore_command(instance: Path, source: Path, force: bool) -> None:
    """Restore the node from an archive, verified first; a database the target already configures is kept."""
    summary = restore_node(instance, source, force=force)
    rows = sum(summary["tables"].values())
    say(f"Restored {rows} rows and {len(summary['files'])} files from {source} into {summary['instance']}.")
    result(summary)
