"""Bringing the demo city up: the hub, every node made (or brought up to date) side by side, then the nodes served.

Made afresh, the hub gets its instance and an invitation per node; then the
hub starts and each node is made in a process of its own: example data,
enrollment, reports, late corrections and their revisions. Reused, the hub
and the nodes get the newest database schema and deliver what changed since.
Once the hub holds every report, the nodes start too.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from wijknet.demo.city import HUB_ID, HUB_NAME, CityPlan, NodePlan, ServerPlan
from wijknet.demo.folder import DemoFolder, DemoOptions
from wijknet.demo.hub import BuiltHub, build_hub, holdings, make_municipal_reports, upgrade_hub
from wijknet.demo.node_job import NodeJob, job_path, last_phase, result_path, write_private_json
from wijknet.demo.processes import Supervisor, port_is_free
from wijknet.demo.progress import Progress, Step
from wijknet.web.database import utcnow

DISCOVERY = "/.well-known/wijknet"
STEPS = 4


class PortTaken(Exception):
    """A port the demo needs is in use."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.port = port


@dataclass
class CityRun:
    """One run of the demo: its city and options, its progress display, and the processes it started."""

    city: CityPlan
    options: DemoOptions
    progress: Progress
    servers: Supervisor  # the hub and the nodes, until the demo stops
    jobs: Supervisor  # the nodes' setup, each until it is done
    environment: dict[str, str] = field(default_factory=lambda: {**os.environ, "PYTHONUNBUFFERED": "1"})

    def prepare(self, folder: DemoFolder, manifest: dict[str, Any] | None) -> dict[str, Any]:
        """The hub running and holding every node's reports; the manifest of the demo (written now if new)."""
        now = utcnow()
        built = self._hub_instance(manifest is None, now)
        tokens = built.tokens
        nodes = count(len(self.city.nodes), "node")
        with self.progress.step(f"Making {nodes}" if manifest is None else f"Syncing {nodes}") as step:
            hub = self.servers.start("hub", server_argv("hub", self.city.hub), self.city.hub.log, self.environment)
            outcomes = self._node_jobs(tokens, now, step)
            self.servers.wait_until_ready(hub, self.city.hub.url + DISCOVERY)
            step.result = "example data, enrolled, reports and late corrections delivered" if manifest is None else ""
            step.details = [
                line for node, done in zip(self.city.nodes, outcomes, strict=True) for line in describe(node, done)
            ]
        self._show_holdings()
        if manifest is not None:
            return manifest
        first = outcomes[0]  # every node has the same example accounts
        made = {
            "created_at": now.isoformat(timespec="seconds"),
            "hub": {"hub_id": HUB_ID, "name": HUB_NAME},
            "nodes": [
                {"node_id": o["node_id"], "coordinator_token": o["coordinator_token"], "contents": o["contents"]}
                for o in outcomes
            ],
            "accounts": {
                role: {"email": email, "password": first["password"]} for role, email in first["emails"].items()
            },
            "hub_accounts": built.accounts,
        }
        return folder.finish(self.options, made)

    def _hub_instance(self, building: bool, now: datetime) -> BuiltHub:
        """Make the hub with its invitations and accounts, or upgrade it."""
        with self.progress.step(f"Hub {HUB_ID} in {self.city.hub.instance}") as step:
            if not building:
                upgrade_hub(self.city.hub)
                step.result = "database up to date"
                return BuiltHub({})
            built = build_hub(self.city, now)
            step.result = (
                f"signing key, database, {count(len(built.tokens), 'invitation')}, "
                f"{count(len(built.accounts), 'account')}, Utrecht's wijken"
            )
            return built

    def _node_jobs(self, tokens: dict[str, str], now: datetime, step: Step) -> list[dict[str, Any]]:
        """Make (or bring up to date) every node in a process of its own, side by side; their results in order."""
        logs, paths = {}, []
        for index, node in enumerate(self.city.nodes):
            job = NodeJob.make(
                build=bool(tokens), root=self.city.root, options=self.options, index=index, now=now,
                token=tokens.get(node.name),
            )  # fmt: skip
            path = job_path(self.city.root, node.name)
            write_private_json(path, asdict(job))
            result_path(path).unlink(missing_ok=True)
            log = self.city.root / "logs" / f"{node.name}-setup.log"
            log.unlink(missing_ok=True)
            argv = [sys.executable, "-m", "wijknet.demo.node_job", str(path)]
            self.jobs.start(f"setup of node {node.name}", argv, log, self.environment)
            logs[node.name] = log
            paths.append(path)

        def tick() -> None:
            self.servers.check_running()  # the jobs would wait a minute for a hub that died
            step.status = " · ".join(f"{name}: {last_phase(log) or 'starting'}" for name, log in logs.items())

        self.jobs.wait_all(tick)
        outcomes = [json.loads(result_path(path).read_text(encoding="utf-8")) for path in paths]
        for path in paths:  # they hold tokens, which the manifest keeps from now on
            path.unlink()
            result_path(path).unlink()
        return outcomes

    def _show_holdings(self) -> None:
        with self.progress.step(f"What the hub on {self.city.hub.url} holds") as step:
            held = holdings(self.city.hub)
            step.result = f"{sum(h.reports for h in held)} reports from {count(len(held), 'node')}, all accepted"
            step.details = [
                f"{h.node_id}: {h.periods} months in {h.reports} reports, {h.late} of them later revisions; "
                f"{h.figures} figures count now"
                for h in held
            ]
            reports = make_municipal_reports(self.city.hub)
            made = reports["made"] + reports["revised"]
            if made:
                step.details.append(f"signed reports for the municipality: {', '.join(made)}")

    def start_nodes(self) -> None:
        """Serve every node, and wait until each answers."""
        nodes = self.city.nodes
        first, last = nodes[0].port, nodes[-1].port
        ports = f"port {first}" if first == last else f"ports {first}–{last}"
        with self.progress.step(f"Starting {count(len(nodes), 'node')} on {ports}"):
            children = []
            for node in nodes:
                if not port_is_free(node.port):
                    raise PortTaken(node.port)  # taken while the demo was being built
                children.append(
                    self.servers.start(f"node {node.name}", server_argv("node", node), node.log, self.environment)
                )
            for node, child in zip(nodes, children, strict=True):
                self.servers.wait_until_ready(child, f"{node.url}/api/v1/openapi.json")


def server_argv(kind: str, plan: ServerPlan) -> list[str]:
    """`wijknet hub run` or `wijknet node run` for one of the demo's servers."""
    command = ["wijknet.cli", kind, "run", "--instance", str(plan.instance), "--port", str(plan.port)]
    return [sys.executable, "-m", *command]


def describe(node: NodePlan, outcome: dict[str, Any]) -> list[str]:
    """What happened to one node, for people."""
    revisions = ", ".join(f"{r['period']} r{r['revision']}" for r in outcome["revisions"]) or "none"
    if "contents" not in outcome:  # reused
        if not outcome["revisions"] and not outcome["delivered"]:
            return [f"{node.name}: nothing new to deliver"]
        return [f"{node.name}: {outcome['delivered']} reports delivered; new revisions: {revisions}"]
    lines = [f"{node.name} ({node.wijk.code} {node.wijk.name}): {outcome['contents']}"]
    lines.append(f"  enrolled with key {outcome['kid'][:12]}…, {outcome['delivered']} reports delivered")
    lines += [f"  late: {done}" for done in outcome["late"]]
    lines.append(f"  revisions after the corrections: {revisions}")
    return lines


def count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"
