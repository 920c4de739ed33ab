"""A hub to measure: its own instance and database, `wijknet hub run`, and a load generator over HTTP."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from bench import hub_load
from bench.hub_reports import MIN_COUNT, SimulatedNode
from federation.protocol import envelopes
from federation.protocol.jws import COMPACT_MEDIA_TYPE
from wijknet.web.database import utcnow

REPORTS_PATH = "/api/v1/federation/reports"
BENCH_DATABASE = "wijknet_bench_hub"
CPU_HUB = "hub workers"
CPU_DATABASE = "PostgreSQL backends"
CPU_LOAD_GENERATOR = "load generator"
BACKENDS_OF_THIS_DATABASE = text(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)

Sent = tuple[str, bytes]  # (node_id, the JWS)


@dataclass(frozen=True)
class ServerSetup:
    """One way of serving the hub: `wijknet hub run --workers W --threads T` on one database."""

    dialect: str
    workers: int
    threads: int


@dataclass
class Hub:
    dialect: str
    instance: Path
    database_url: str


@contextmanager
def hub_instance(dialect: str, postgres_server: str | None, nodes: list[SimulatedNode], workdir: Path) -> Iterator[Hub]:
    """A new hub instance (`wijknet hub init`'s work) on an empty database, with every node enrolled."""
    from federation.hub.app import create_app
    from federation.hub.extensions import db
    from federation.hub.instance import init_instance
    from federation.hub.registry.models import Node, NodeArea, NodeKey

    instance = Path(tempfile.mkdtemp(prefix=f"hub-{dialect}-", dir=workdir))
    database_url = _fresh_postgres_database(postgres_server) if dialect == "postgresql" else None
    try:
        # The projection job is not intake (readers run it), so it stays off; the rate limiter still
        # counts every request, under a limit a load generator posing as 200 nodes stays below.
        init_instance(
            instance,
            database_url=database_url,
            hub_id="bench",
            name="Benchmark hub",
            min_count=MIN_COUNT,
            scheduler=False,
            rate_limit_per_minute=100_000,
        )
        app = create_app(instance, {"scheduler": False})
        with app.app_context():
            for node in nodes:
                row = Node(
                    node_id=node.node_id,
                    name=node.node_id,
                    name_given=node.node_id,
                    municipality=node.municipality,
                    software="bench",
                    enrolled_at=utcnow(),
                )
                row.area_rows = [NodeArea(area_code=node.wijk)]
                db.session.add(row)
                db.session.add(NodeKey(kid=node.key.kid, node_id=node.node_id, x=node.key.public.x))
            db.session.commit()
            url = db.engine.url.render_as_string(hide_password=False)
            db.engine.dispose()
        yield Hub(dialect, instance, url)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        if database_url:
            _drop_postgres_database(postgres_server)


def _admin_engine(server_url: str) -> tuple[URL, Engine]:
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    return url, create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _fresh_postgres_database(server_url: str) -> str:
    url, admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    finally:
        admin.dispose()
    return url.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def _drop_postgres_database(server_url: str) -> None:
    _, admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_answers(server_url: str) -> bool:
    _, admin = _admin_engine(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        admin.dispose()


@dataclass
class HttpOutcome:
    reports: int
    seconds: float
    latencies: list[float]
    machine_busy: float  # fraction of all cores busy during the timed part
    cpu_per_report: dict[str, float]  # CPU seconds per report: hub workers, database server, load generator
    stored: int = 0
    receipts_verified: int = 0

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds


@contextmanager
def served(hub: Hub, setup: ServerSetup) -> Iterator[tuple[int, int]]:
    """`wijknet hub run` on a free port of 127.0.0.1; yields (port, gunicorn's pid), stops it afterwards."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "wijknet.cli",
        "hub",
        "run",
        "--instance",
        str(hub.instance),
        "--port",
        str(port),
        "--workers",
        str(setup.workers),
        "--threads",
        str(setup.threads),
    ]
    log = (hub.instance / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=_clean_environment())
    try:
        _wait_for(port, process, setup.workers, hub.instance / "gunicorn.log")
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _clean_environment() -> dict[str, str]:
    """The instance file alone configures the hub: no WIJKNET_* variable of the caller's leaks in."""
    return {name: value for name, value in os.environ.items() if not name.startswith("WIJKNET_")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen[bytes], workers: int, log: Path) -> None:
    """Until discovery answers and every worker has started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`wijknet hub run` stopped with {process.returncode}: {log.read_text()[-2000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/.well-known/wijknet")
            if connection.getresponse().status == 200 and len(_children(process.pid)) >= workers:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"the hub did not answer within a minute: {log.read_text()[-2000:]}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _process_cpu(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds of each of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / ticks, sum(values) / ticks


class Failure(Exception):
    """An answer that is not `201` with a receipt: the figures would mean nothing."""


Answered = tuple[Sent, bytes]  # what was sent, and the answer's body


def send_over_http(
    port: int, batches: list[list[Sent]], warmup: int, servers: Callable[[], dict[str, list[int]]]
) -> tuple[HttpOutcome, list[Answered]]:
    """Each batch goes through one keep-alive connection, in order; the first `warmup` of each are not timed.

    The load generator is a process of its own (`bench.hub_load`), so that its work shows apart from
    the hub's and takes as little of the shared cores as it can. `servers` names the processes whose
    CPU time is counted, by group (hub workers, database backends).
    """
    context = multiprocessing.get_context("spawn")  # nothing of this process (threads, connections) goes along
    ours, theirs = context.Pipe()
    requests = [[hub_load.post(REPORTS_PATH, port, COMPACT_MEDIA_TYPE, body) for _, body in batch] for batch in batches]
    process = context.Process(target=hub_load.load_process, args=(port, requests, warmup, 201, theirs), daemon=True)
    process.start()
    theirs.close()
    try:
        _expect(ours, "ready", process)
        machine, before = _machine_cpu(), {group: _process_cpu(pids) for group, pids in servers().items()}
        ours.send("go")
        _, answered, started, ended, load_cpu = _expect(ours, "done", process)
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
            process.join()
    cpu = {CPU_LOAD_GENERATOR: load_cpu}
    for group, pids in servers().items():
        now, earlier = _process_cpu(pids), before.get(group, {})
        cpu[group] = sum(seconds - earlier.get(pid, 0.0) for pid, seconds in now.items())
    busy, total = _machine_cpu()
    latencies = sorted(seconds for batch in answered for _, _, seconds in batch[warmup:])
    for batch in answered:
        for status, body, _ in batch:
            if b'"receipt"' not in body:
                raise Failure(f"answer {status} without a receipt: {body[:300]!r}")
    outcome = HttpOutcome(
        reports=len(latencies),
        seconds=ended - started,
        latencies=latencies,
        machine_busy=(busy - machine[0]) / max(total - machine[1], 1e-9),
        cpu_per_report={group: seconds / len(latencies) for group, seconds in cpu.items()},
    )
    sent = [
        (item, body)
        for batch, answers in zip(batches, answered, strict=True)
        for item, (_, body, _) in zip(batch, answers, strict=True)
    ]
    return outcome, sent


def _expect(pipe: Connection, word: str, process: BaseProcess) -> tuple[Any, ...]:
    """The load generator's next message, if it is `word`; its failure as a `Failure`."""
    try:
        message = pipe.recv()
    except EOFError:
        process.join(timeout=10)
        raise Failure(f"the load generator stopped (exit code {process.exitcode})") from None
    if message[0] == "failed":
        _, status, body = message
        raise Failure(f"answer {status}: {body[:300]!r}")
    if message[0] != word:
        raise Failure(f"the load generator said {message[0]!r}, not {word!r}")
    return message


def server_processes(hub: Hub, gunicorn_pid: int) -> Callable[[], dict[str, list[int]]]:
    """The hub's workers, and on PostgreSQL the server processes serving the hub's database."""

    def processes() -> dict[str, list[int]]:
        groups = {CPU_HUB: _children(gunicorn_pid)}
        if hub.dialect == "postgresql":
            engine = create_engine(hub.database_url)
            try:
                with engine.connect() as connection:
                    groups[CPU_DATABASE] = list(connection.scalars(BACKENDS_OF_THIS_DATABASE))
            finally:
                engine.dispose()
        return groups

    return processes


def verify_receipts(hub: Hub, answers: list[Answered]) -> int:
    """Every receipt signed by the hub's key, for the node, over the digest of the bytes sent."""
    from federation.hub.config import SIGNING_KEY_FILENAME
    from federation.protocol.keys import load_signing_key

    public = load_signing_key(hub.instance / SIGNING_KEY_FILENAME).public
    keys = {public.kid: public}
    for (node_id, body), answer in answers:
        envelopes.verify_receipt(json.loads(answer)["receipt"], keys, body.decode("ascii"), node_id=node_id)
    return len(answers)


def stored_reports(hub: Hub) -> int:
    engine = create_engine(hub.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM reports")))
    finally:
        engine.dispose()


def fsync_latency(directory: Path, samples: int = 50) -> float:
    """The median time of writing 8 KiB and `fdatasync` on the disk of `directory`: a durable commit waits for it."""
    path = directory / f"fsync-probe-{os.getpid()}"
    times = []
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(samples):
            os.write(descriptor, b"\0" * 8192)
            began = time.perf_counter()
            os.fdatasync(descriptor)
            times.append(time.perf_counter() - began)
    finally:
        os.close(descriptor)
        path.unlink()
    return statistics.median(times)
