"""`wijknet demo`: a city on this machine, a hub and the nodes of real Utrecht wijken, served until Ctrl-C."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import click

from wijknet.demo.city import HUB_ID, HUB_NAME, WIJKEN, CityPlan, plan_city
from wijknet.demo.city_run import DISCOVERY, STEPS, CityRun, PortTaken
from wijknet.demo.folder import DemoFolder, DemoOptions, FolderError, FolderState
from wijknet.demo.processes import ChildFailed, Supervisor, port_is_free, stop_signals_interrupt
from wijknet.demo.progress import Progress
from wijknet.output import result, say
from wijknet.web.config import ENV_PREFIX

DEFAULT_DIR = Path(".wijknet-demo")


@click.command("demo")
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DIR, show_default=True,
    help="Where the demo keeps its instances; reused when made with the same options.",
)  # fmt: skip
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535 - len(WIJKEN)),
    help="The hub's port; the nodes take the ports after it (8001 to 8003 by default).",
)  # fmt: skip
@click.option(
    "--nodes", default=len(WIJKEN), show_default=True, type=click.IntRange(1, len(WIJKEN)),
    help="How many nodes: Utrecht Noordwest, Overvecht and West, in that order.",
)  # fmt: skip
@click.option("--months", default=18, show_default=True, type=click.IntRange(1, 60), help="Months of example data.")
@click.option("--seed", default=1, show_default=True, type=int, help="Another seed gives other example people.")
def demo_command(directory: Path, port: int, nodes: int, months: int, seed: int) -> None:
    """A hub and nodes with example data on 127.0.0.1, enrolled and synced, until Ctrl-C; then addresses and JSON."""
    began = time.monotonic()
    progress = Progress(STEPS)
    _ignore_environment(progress)
    options = DemoOptions(seed=seed, months=months, nodes=nodes, port=port)
    city = plan_city(directory.resolve(), port, nodes)
    for needed in city.ports:
        if not port_is_free(needed):
            raise _port_taken(needed)  # before spending time on building
    with stop_signals_interrupt():
        try:
            folder = DemoFolder(city.root)
        except FolderError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            _run(folder, city, options, progress, began)
        finally:
            folder.release()


def _ignore_environment(progress: Progress) -> None:
    """The demo keeps its own SQLite databases and settings: a WIJKNET_DATABASE_URL must not receive example data."""
    for key in sorted(k for k in os.environ if k.startswith(ENV_PREFIX)):
        progress.note(f"Ignoring {key}: the demo uses settings of its own.")
        del os.environ[key]


def _port_taken(port: int) -> click.ClickException:
    return click.ClickException(
        f"Port {port} on 127.0.0.1 is already in use (is another demo still running?). "
        "Stop what uses it, or choose another port with --port (the nodes take the ports after it)."
    )


def _run(folder: DemoFolder, city: CityPlan, options: DemoOptions, progress: Progress, began: float) -> None:
    """Make or reuse the city, serve it until Ctrl-C or SIGTERM, and stop every process started on the way."""
    manifest = _claim(folder, city, options, progress)
    with Supervisor() as servers, Supervisor() as jobs:
        run = CityRun(city, options, progress, servers, jobs)
        try:
            manifest = run.prepare(folder, manifest)
            run.start_nodes()
        except KeyboardInterrupt:
            complete = folder.state(options) == FolderState.COMPLETE
            raise click.ClickException(
                "Interrupted." if complete else "Interrupted; the next run replaces the half-made demo."
            ) from None
        except PortTaken as exc:
            raise _port_taken(exc.port) from None
        except ChildFailed as exc:
            raise click.ClickException(str(exc)) from None
        _print_ready(city, manifest, time.monotonic() - began)
        try:
            stopped = servers.watch()
        except KeyboardInterrupt:
            click.echo("Stopping the demo…", err=True)
            stopped = None
    if stopped is not None:
        raise click.ClickException(f"The {stopped.name} stopped by itself; its log is {stopped.log}.")
    click.echo("Demo stopped.", err=True)


def _claim(folder: DemoFolder, city: CityPlan, options: DemoOptions, progress: Progress) -> dict[str, Any] | None:
    """The manifest of a demo to reuse, or None once the folder is ready for a new one."""
    state = folder.state(options)
    manifest = folder.manifest()
    if state == FolderState.COMPLETE and manifest is not None:
        progress.note(f"Reusing the demo in {city.root}, made {manifest['created_at']} with the same options.")
        return manifest
    if state == FolderState.OTHER_OPTIONS and manifest is not None:
        before = ", ".join(f"{key} {value}" for key, value in (manifest.get("options") or {}).items())
        progress.note(f"Replacing the demo in {city.root}, made with other options ({before or 'an older version'}).")
        folder.clear()
    elif state == FolderState.HALF_MADE:
        progress.note(f"Replacing the half-made demo in {city.root} (an earlier run was interrupted).")
        folder.clear()
    progress.note(f"Building the demo in {city.root} ({options.describe()}).")
    return None


def _print_ready(city: CityPlan, manifest: dict[str, Any], seconds: float) -> None:
    tokens = {n["node_id"]: n["coordinator_token"] for n in manifest["nodes"]}
    accounts = manifest["accounts"]
    hub = city.hub
    say(f"Ready in {seconds:.1f} s.")
    say("")
    say(f"Hub {HUB_ID}: {HUB_NAME}")
    say(f"  address:   {hub.url}/  (log in with an account below)")
    say(f"  discovery: {hub.url}{DISCOVERY}")
    say(f"  figures:   wijknet hub figures --instance {hub.instance} [--node-id ID] [--period YYYY-MM]")
    say(f"  nodes:     wijknet hub nodes --instance {hub.instance}")
    say(f"  log:       {hub.log}")
    for role, account in manifest.get("hub_accounts", {}).items():
        say(f"  {role:<12} {account['email']:<28} password {account['password']}")
    for node in city.nodes:
        token = tokens[node.name]
        say("")
        say(f"Node {node.name}: {node.wijk.cooperative}, wijk {node.wijk.code}")
        say(f"  site:      {node.url}/")
        say(f"  API docs:  {node.url}/api/v1/docs")
        say(f"  API token (coordinator): {token}")
        say(f'  try:       curl -H "Authorization: Bearer {token}" {node.url}/api/v1/needs-analysis')
        say(f"  federation: wijknet node federation --instance {node.instance}")
        say(f"  log:       {node.log}")
    say("")
    say("Example accounts on every node (log in on its site):")
    for role, account in accounts.items():
        say(f"  {role:<12} {account['email']:<28} password {account['password']}")
    say("")
    say("Press Ctrl-C to stop.")
    result(
        {
            "hub": hub.url,
            "nodes": [
                {"node_id": node.name, "url": node.url, "coordinator_token": tokens[node.name]} for node in city.nodes
            ],
            "accounts": accounts,
            "hub_accounts": manifest.get("hub_accounts", {}),
            "dir": str(city.root),
        }
    )
