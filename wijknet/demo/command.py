"""`wijknet demo`: a cooperative's node with Dutch example data, served on this machine until Ctrl-C."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from wijknet.demo.city import CityPlan, plan_city
from wijknet.demo.folder import DemoFolder, DemoOptions, FolderError, FolderState
from wijknet.demo.processes import ChildFailed, Supervisor, port_is_free, stop_signals_interrupt
from wijknet.output import result, say
from wijknet.web.config import ENV_PREFIX
from wijknet.web.database import utcnow

DEFAULT_DIR = Path(".wijknet-demo")


@click.command("demo")
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DIR, show_default=True,
    help="Where the demo keeps its instances; reused when made with the same options.",
)  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="The node's port.")
@click.option("--months", default=18, show_default=True, type=click.IntRange(1, 60), help="Months of example data.")
@click.option("--seed", default=1, show_default=True, type=int, help="Another seed gives other example people.")
def demo_command(directory: Path, port: int, months: int, seed: int) -> None:
    """A node with example data on http://127.0.0.1:PORT/, until Ctrl-C; prints its accounts, then JSON."""
    began = time.monotonic()
    _ignore_environment()
    options = DemoOptions(seed=seed, months=months)
    city = plan_city(directory.resolve(), port, options.nodes)
    for node in city.nodes:
        _check_port(node.port)  # before spending time on building
    with stop_signals_interrupt():
        try:
            folder = DemoFolder(city.root)
        except FolderError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            try:
                manifest = _prepare(folder, city, options)
            except KeyboardInterrupt:
                raise click.ClickException("Interrupted; the next run replaces the half-made demo.") from None
            _serve(city, manifest, began)
        finally:
            folder.release()


def _ignore_environment() -> None:
    """The demo keeps its own SQLite databases and settings: a WIJKNET_DATABASE_URL must not receive example data."""
    for key in sorted(k for k in os.environ if k.startswith(ENV_PREFIX)):
        say(f"Ignoring {key}: the demo uses settings of its own.")
        del os.environ[key]


def _check_port(port: int) -> None:
    if not port_is_free(port):
        raise click.ClickException(
            f"Port {port} on 127.0.0.1 is already in use (is another demo still running?). "
            "Stop what uses it, or choose another port with --port."
        )


def _prepare(folder: DemoFolder, city: CityPlan, options: DemoOptions) -> dict[str, Any]:
    """Reuse the folder's demo if it was made with the same options, or make it (again)."""
    # Imported here: the generator brings Faker, which every other `wijknet` command (and each
    # node the demo starts) would otherwise load for nothing.
    from wijknet.demo.build import build_node, describe, upgrade_node

    state = folder.state(options)
    manifest = folder.manifest()
    if state == FolderState.COMPLETE and manifest is not None:
        say(f"Reusing the demo in {city.root}, made {manifest['created_at']} with the same options.")
        for node in city.nodes:
            upgrade_node(node)
        for entry in manifest["nodes"]:
            say(f"  {entry['node_id']}: {entry['contents']}")
        return manifest
    if state == FolderState.OTHER_OPTIONS and manifest is not None:
        before = ", ".join(f"{key} {value}" for key, value in (manifest.get("options") or {}).items())
        say(f"Replacing the demo in {city.root}, made with other options ({before or 'an older version'}).")
        folder.clear()
    elif state == FolderState.HALF_MADE:
        say(f"Replacing the half-made demo in {city.root} (an earlier run was interrupted).")
        folder.clear()
    say(f"Building the demo in {city.root} ({options.describe()}).")
    now = utcnow()
    nodes: list[dict[str, str]] = []
    accounts: dict[str, dict[str, str]] = {}
    for index, node in enumerate(city.nodes):
        wijk = node.wijk
        say(f"Node {wijk.node_id} ({wijk.name}, {wijk.code}): example data for {options.months} months…")
        built = build_node(node, index, options, now)
        contents = describe(built.summary)
        say(f"  {contents}")
        accounts = {role: {"email": email, "password": built.password} for role, email in built.emails.items()}
        nodes.append({"node_id": wijk.node_id, "coordinator_token": built.coordinator_token, "contents": contents})
    made = {"created_at": now.isoformat(timespec="seconds"), "nodes": nodes, "accounts": accounts}
    return folder.finish(options, made)


def _serve(city: CityPlan, manifest: dict[str, Any], began: float) -> None:
    """Run every node until Ctrl-C or SIGTERM, then stop them all."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with Supervisor() as supervisor:
        try:
            children = []
            for node in city.nodes:
                _check_port(node.port)  # taken while the demo was being built?
                say(f"Starting node {node.wijk.node_id} on {node.url} …")
                argv = [sys.executable, "-m", "wijknet.cli", "node", "run"]
                argv += ["--instance", str(node.instance), "--port", str(node.port)]
                children.append(supervisor.start(node.wijk.node_id, argv, node.log, environment))
            for node, child in zip(city.nodes, children, strict=True):
                supervisor.wait_until_ready(child, f"{node.url}/api/v1/openapi.json")
            _print_ready(city, manifest, time.monotonic() - began)
            stopped = supervisor.watch()
        except KeyboardInterrupt:
            click.echo("Stopping the demo…", err=True)
            stopped = None
        except ChildFailed as exc:
            raise click.ClickException(str(exc)) from None
    if stopped is not None:
        raise click.ClickException(f"Node {stopped.name} stopped by itself; its log is {stopped.log}.")
    click.echo("Demo stopped.", err=True)


def _print_ready(city: CityPlan, manifest: dict[str, Any], seconds: float) -> None:
    tokens = {n["node_id"]: n["coordinator_token"] for n in manifest["nodes"]}
    accounts = manifest["accounts"]
    say(f"Ready in {seconds:.1f} s.")
    say("")
    for node in city.nodes:
        token = tokens[node.wijk.node_id]
        say(f"Node {node.wijk.node_id}: {node.wijk.cooperative}")
        say(f"  site:      {node.url}/")
        say(f"  API docs:  {node.url}/api/v1/docs")
        say(f"  API token (coordinator): {token}")
        say(f'  try:       curl -H "Authorization: Bearer {token}" {node.url}/api/v1/needs-analysis')
        say(f"  log:       {node.log}")
    say("")
    say("Example accounts (log in on the site):")
    for role, account in accounts.items():
        say(f"  {role:<12} {account['email']:<28} password {account['password']}")
    say("")
    say("Press Ctrl-C to stop.")
    result(
        {
            "hub": None,
            "nodes": [
                {"node_id": n.wijk.node_id, "url": n.url, "coordinator_token": tokens[n.wijk.node_id]}
                for n in city.nodes
            ],
            "accounts": accounts,
            "dir": str(city.root),
        }
    )
