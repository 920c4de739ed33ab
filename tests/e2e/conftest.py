"""A real hub and real nodes as separate processes on 127.0.0.1, driven through `wijknet` as an operator would.

Every server runs in a session of its own and is stopped when the test ends,
whether it passed or not. Their settings come from the environment: quick
password hashing, a node that gives up on its hub after two seconds, and no
scheduler, so that nothing is delivered behind the test's back.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from federation.protocol.encoding import b64url_decode, json_object
from federation.protocol.periods import format_period, parse_period, shift_period

SERVER_START_SECONDS = 60
COMMAND_SECONDS = 120
STOP_SECONDS = 20
HUB_TIMEOUT_SECONDS = 2

ENVIRONMENT = {
    **{key: value for key, value in os.environ.items() if not key.startswith("WIJKNET_")},
    "WIJKNET_HUB_TIMEOUT_SECONDS": str(HUB_TIMEOUT_SECONDS),
    "WIJKNET_PASSWORD_TIME_COST": "1",
    "WIJKNET_PASSWORD_MEMORY_KIB": "64",
    "WIJKNET_SCHEDULER": "false",
    "PYTHONUNBUFFERED": "1",
}
MUNICIPALITY = "GM0344"

# node, period, revision, area, category, metric, value, suppressed
Figure = tuple[str, str, int, str, str, str, float | None, bool]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wijknet(*args: str, stdin: str | None = None) -> dict[str, Any]:
    """Run a `wijknet` command to its end; its last line of JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "wijknet.cli", *args],
        input=stdin, capture_output=True, text=True, env=ENVIRONMENT, timeout=COMMAND_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, f"wijknet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_wijknet(*args: str, settings: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a `wijknet` command and leave it running (to be stopped halfway); `settings` as WIJKNET_* variables."""
    return subprocess.Popen(
        [sys.executable, "-m", "wijknet.cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**ENVIRONMENT, **(settings or {})},
        start_new_session=True,
    )  # fmt: skip


def month(offset: int) -> str:
    """This month (0), or one before it (-1, -2 ...)."""
    return shift_period(format_period(date.today().year, date.today().month), offset)


def day_in(period: str, day: int = 10) -> str:
    """A day in the month, not after today."""
    year, number = parse_period(period)
    return min(date(year, number, day), date.today()).isoformat()


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])


class Servers:
    """The servers a test started; all of them are stopped at its end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[Server] = []

    def start(self, kind: str, instance: Path, port: int) -> Server:
        """`wijknet hub run` or `wijknet node run`, answering before this returns."""
        log = self.logs / f"{instance.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "wijknet.cli", kind, "run", "--instance", str(instance), "--port", str(port),
                 "--workers", "1"],
                stdout=output, stderr=subprocess.STDOUT, env=ENVIRONMENT, start_new_session=True,
            )  # fmt: skip
        server = Server(instance.name, process, log)
        self.running.append(server)
        ready = "/.well-known/wijknet" if kind == "hub" else "/api/v1/openapi.json"
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert process.poll() is None, f"{kind} {instance.name} exited:\n{server.log_tail()}"
            try:
                if requests.get(f"http://127.0.0.1:{port}{ready}", timeout=1).status_code == 200:
                    return server
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"{kind} {instance.name} did not answer:\n{server.log_tail()}"
            time.sleep(0.1)

    def stop(self, server: Server) -> None:
        """SIGTERM to the server and its workers; SIGKILL if they linger."""
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()
        self.running.remove(server)

    def stop_all(self) -> None:
        for server in list(self.running):
            self.stop(server)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path / "logs")
    try:
        yield started
    finally:
        started.stop_all()


def rows(database: Path, query: str) -> list[dict[str, Any]]:
    """Rows of a server's SQLite database, read while the server runs."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(query)]
    finally:
        connection.close()


def payload_of(jws: str) -> dict[str, Any]:
    return json_object(b64url_decode(jws.split(".")[1]))


def header_of(jws: str) -> dict[str, Any]:
    return json_object(b64url_decode(jws.split(".")[0]))


@dataclass
class Hub:
    instance: Path
    port: int = field(default_factory=free_port)
    server: Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.instance / "hub.sqlite3"

    def init(self) -> None:
        wijknet("hub", "init", "--instance", str(self.instance), "--hub-id", "e2e-hub", "--name", "Hub (test)")

    def invite(self, node_id: str, area: str) -> str:
        name = f"Wijkcoöperatie {node_id} (test)"
        made = wijknet("hub", "invite", "--instance", str(self.instance), "--node-id", node_id, "--name", name,
                       "--municipality", MUNICIPALITY, "--area", area)  # fmt: skip
        return made["token"]

    def figures(self, node_id: str | None = None) -> set[Figure]:
        """What `wijknet hub figures` says counts now."""
        args = ["hub", "figures", "--instance", str(self.instance)] + (["--node-id", node_id] if node_id else [])
        return {
            (
                f["node_id"],
                f["period"],
                f["revision"],
                f["area"],
                f["category"],
                f["metric"],
                f["value"],
                f["suppressed"],
            )
            for f in wijknet(*args)["figures"]
        }

    def reports(self) -> list[dict[str, Any]]:
        """Every report the hub stored, in the order received."""
        return rows(
            self.database, "SELECT report_id, node_id, period, revision, kid, jws, receipt FROM reports ORDER BY id"
        )

    def reports_per_month(self) -> Counter[tuple[str, str, int]]:
        """How often the hub holds each revision of each node's months."""
        return Counter((r["node_id"], r["period"], r["revision"]) for r in self.reports())

    def nodes(self) -> dict[str, dict[str, Any]]:
        return {n["node_id"]: n for n in wijknet("hub", "nodes", "--instance", str(self.instance))["nodes"]}


@dataclass
class Node:
    node_id: str
    instance: Path
    wijk: str
    port: int = field(default_factory=free_port)
    token: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def buurt(self) -> str:
        return f"BU{self.wijk[2:]}01"

    @property
    def database(self) -> Path:
        return self.instance / "node.sqlite3"

    def init(self) -> None:
        name, buurt = f"Wijkcoöperatie {self.node_id} (test)", f"{self.buurt}=Buurt 1 (voorbeeld)"
        wijknet("node", "init", "--instance", str(self.instance), "--name", name, "--municipality", MUNICIPALITY,
                "--wijk", self.wijk, "--buurt", buurt)  # fmt: skip
        self.token = wijknet("node", "token", "--instance", str(self.instance), "--role", "coordinator")["token"]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Enter something through the node's REST API, as a coordinator."""
        response = requests.post(
            f"{self.url}/api/v1/{path}", json=body, headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )
        assert response.status_code == 201, response.text
        return response.json()

    def enter_example_data(self, months_back: int) -> None:
        """Members since `months_back` months ago, an activity in each month since, and help asked for now."""
        members = [
            self.post("members", {"name": f"Bewoner {i}", "buurt_code": self.buurt,
                                  "joined_on": day_in(month(-months_back), 3 + i)})["id"]
            for i in range(6)
        ]  # fmt: skip
        for offset in range(-months_back, 1):
            self.post("activities", {"title": "Buurtmaaltijd", "category": "social", "held_on": day_in(month(offset)),
                                     "buurt_code": self.buurt, "participants": 12 + offset})  # fmt: skip
        for requester in members[:5]:
            self.post(f"members/{requester}/consents", {"purpose": "membership", "method": "phone"})
            self.post("help-requests", {"requester_id": requester, "category": "shopping"})

    def enroll(self, hub_url: str, token: str) -> dict[str, Any]:
        return wijknet("node", "enroll", "--instance", str(self.instance), "--hub", hub_url, "--node-id", self.node_id,
                       "--token", token)  # fmt: skip

    def sync(self) -> dict[str, Any]:
        return wijknet("node", "sync", "--instance", str(self.instance))

    def outbox(self) -> list[dict[str, Any]]:
        """The node's signed messages, oldest first."""
        return rows(
            self.database, "SELECT kind, subject_id, period, revision, state, body, receipt FROM outbox ORDER BY id"
        )

    def reports_made(self) -> Counter[tuple[str, str, int]]:
        """Each revision of each month the node made (once, unless something is very wrong)."""
        return Counter((self.node_id, r["period"], r["revision"]) for r in self.outbox() if r["kind"] == "report")

    def published(self) -> set[Figure]:
        """What the node delivered that counts now: the figures of each month's newest delivered revision."""
        newest: dict[str, dict[str, Any]] = {}
        delivered = [item for item in self.outbox() if item["kind"] == "report" and item["state"] == "delivered"]
        for item in sorted(delivered, key=lambda item: item["revision"]):
            newest[item["period"]] = payload_of(item["body"])
        return {
            (self.node_id, period, report["revision"], f["area"], f["category"], f["metric"], f["value"],
             f.get("suppressed", False))
            for period, report in newest.items()
            for f in report["figures"]
        }  # fmt: skip

    def move_clock_past_backoff(self) -> None:
        """Make every waiting message due now, as if the backoff (30 s and more) had run out.

        The node's own clock cannot be moved from outside its process; its
        database can, which spares the test minutes of waiting.
        """
        connection = sqlite3.connect(self.database)
        try:
            with connection:
                connection.execute("UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00.000000' "
                                   "WHERE state = 'pending'")  # fmt: skip
        finally:
            connection.close()


NodeMaker = Callable[[str, str], Node]


@pytest.fixture(scope="session")
def example_nodes(tmp_path_factory: pytest.TempPathFactory) -> NodeMaker:
    """Nodes with example data entered through their REST API, made once per session; each test gets a copy."""
    made: dict[str, Node] = {}

    def example(node_id: str, wijk: str) -> Node:
        if node_id not in made:
            node = Node(node_id, tmp_path_factory.mktemp("examples") / node_id, wijk)
            node.init()
            servers = Servers(node.instance.parent / "logs")
            try:
                servers.start("node", node.instance, node.port)
                node.enter_example_data(months_back=3)
            finally:
                servers.stop_all()
            made[node_id] = node
        return made[node_id]

    return example


@pytest.fixture
def enrolled_node(tmp_path: Path, hub: Hub, example_nodes: NodeMaker) -> Callable[..., Node]:
    """A copy of an example node, enrolled at the hub (by way of `hub_url`, the hub's own by default)."""

    def enrol(node_id: str, wijk: str, hub_url: str | None = None) -> Node:
        example = example_nodes(node_id, wijk)
        node = Node(node_id, tmp_path / node_id, wijk, token=example.token)
        shutil.copytree(example.instance, node.instance)
        enrolled = node.enroll(hub_url or hub.url, hub.invite(node_id, wijk))
        assert enrolled["node_id"] == node_id and enrolled["hub_id"] == "e2e-hub"
        return node

    return enrol


@pytest.fixture
def hub(tmp_path: Path, servers: Servers) -> Hub:
    """A hub, initialised and served."""
    made = Hub(tmp_path / "hub")
    made.init()
    made.server = servers.start("hub", made.instance, made.port)
    return made
