"""Hub intake: budget, at least 500 reports a second verified and durably stored.

Simulated nodes (`bench.hub_reports`) sign their reports before anything is
timed: signing is the node's cost, not the hub's. On SQLite and (when it
answers) PostgreSQL the benchmark then measures

- over HTTP: `wijknet hub run` (gunicorn) on 127.0.0.1 with a few worker and
  thread counts, and a load generator of concurrent clients on keep-alive
  connections, each posting distinct reports and checking every answer for
  `201` with a receipt; afterwards every receipt's signature and digest are
  verified and the stored reports counted (`bench.hub_serving`);
- in process: the same path through the WSGI app with Flask's test client,
  one report after another: what one report costs without HTTP or waiting;
- by step: where the time of one report goes (parsing, signature, schema,
  disclosure, SQL, commit).
"""

from __future__ import annotations

import dataclasses
import gc
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench.framework import Benchmark, Options, Report, Table, count, measure, size
from bench.hub_reports import ReportMaker, SimulatedNode, figure_keys, simulated_nodes
from bench.hub_serving import (
    CPU_DATABASE,
    CPU_HUB,
    CPU_LOAD_GENERATOR,
    REPORTS_PATH,
    Failure,
    HttpOutcome,
    Hub,
    Sent,
    ServerSetup,
    fsync_latency,
    hub_instance,
    postgres_answers,
    send_over_http,
    served,
    server_processes,
    stored_reports,
    verify_receipts,
)
from federation.protocol.messages import REPORT
from wijknet.web.database import utcnow

BUDGET_PER_SECOND = 500
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
IN_PROCESS_WARMUP = 5

STEP_PARSE = "JWS: base64url and strict JSON"
STEP_SIGNATURE = "signature (Ed25519 over the JWS)"
STEP_SCHEMA = "schema: payload and every figure"
STEP_AREAS = "areas registered for the node"
STEP_DISCLOSURE = "disclosure control"
STEP_RECEIPT = "receipt: digest and signature"
STEPS = (STEP_PARSE, STEP_SIGNATURE, STEP_SCHEMA, STEP_AREAS, STEP_DISCLOSURE, STEP_RECEIPT)

Serve = Callable[[Hub, ServerSetup], AbstractContextManager[tuple[int, int]]]  # yields (port, server's pid)


@dataclass(frozen=True)
class IntakeSpec:
    """How many nodes send how big reports, and how hard the hub is pushed."""

    nodes: int = 200
    buurten: int = 4  # per node's wijk: a report has (1 + buurten) x 170 figures
    reports: int = 4000  # timed over HTTP, per server setup
    warmup: int = 5  # untimed reports per client first, while the workers warm up
    in_process: int = 200  # sent one after another through the test client
    clients: int = 12
    setups: tuple[ServerSetup, ...] = (
        ServerSetup("sqlite", 1, 1),
        ServerSetup("sqlite", 2, 4),
        ServerSetup("postgresql", 2, 4),
        ServerSetup("postgresql", 4, 4),
    )
    templates: int = 48  # distinct sets of values, each disclosure-controlled once
    seed: int = 2026

    @property
    def figures(self) -> int:
        return len(figure_keys(1 + self.buurten))


FULL_SIZE = IntakeSpec()


# --- in process: the test client, and where the time goes ------------------------------------------


@dataclass
class InProcessOutcome:
    latencies: list[float]  # one request through the WSGI app, wall clock
    cpu: list[float]  # the same, this process's CPU
    sql: list[float]  # time in the database driver's execute, per report
    statements: list[int]  # per report
    commit: list[float]  # the durable commit, per report
    steps: dict[str, float]  # median seconds of each pure step on one report


@contextmanager
def database_timers(db: Any) -> Iterator[dict[str, float]]:
    """Time spent in statements and in commits, by SQLAlchemy's events, accumulated per request."""
    engine = db.engine
    current: dict[str, float] = {"sql": 0.0, "statements": 0, "commit": 0.0}
    marks: dict[str, float] = {}

    def before_execute(*_: Any) -> None:
        marks["execute"] = time.perf_counter()

    def after_execute(*_: Any) -> None:
        current["sql"] += time.perf_counter() - marks["execute"]
        current["statements"] += 1

    def before_commit(*_: Any) -> None:
        marks["commit"] = time.perf_counter()

    def after_commit(*_: Any) -> None:
        current["commit"] += time.perf_counter() - marks.get("commit", time.perf_counter())

    listeners = [
        (engine, "before_cursor_execute", before_execute),
        (engine, "after_cursor_execute", after_execute),
        (engine, "commit", before_commit),
        (db.session, "after_commit", after_commit),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield current
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


def run_in_process(hub: Hub, bodies: list[bytes], runs: int) -> InProcessOutcome:
    """Each report through the WSGI app with Flask's test client, one after another; then each step alone."""
    from federation.hub.app import create_app
    from federation.hub.extensions import db

    app = create_app(hub.instance, {"scheduler": False})
    client = app.test_client()
    outcome = InProcessOutcome([], [], [], [], [], {})
    gc.freeze()  # as `wijknet hub run` does in each worker once the app is loaded
    try:
        with app.app_context(), database_timers(db) as current:
            for i, body in enumerate(bodies):
                current.update(sql=0.0, statements=0, commit=0.0)
                began, cpu = time.perf_counter(), time.process_time()
                response = client.post(REPORTS_PATH, data=body, headers={"Content-Type": "application/jose"})
                latency, cpu = time.perf_counter() - began, time.process_time() - cpu
                if response.status_code != 201 or "receipt" not in (response.get_json() or {}):
                    raise Failure(f"answer {response.status_code}: {response.get_data()[:300]!r}")
                if i >= IN_PROCESS_WARMUP:
                    outcome.latencies.append(latency)
                    outcome.cpu.append(cpu)
                    outcome.sql.append(current["sql"])
                    outcome.statements.append(int(current["statements"]))
                    outcome.commit.append(current["commit"])
            outcome.steps = step_timings(bodies[-1], runs)
            db.session.remove()
    finally:
        gc.unfreeze()
        with app.app_context():
            db.engine.dispose()
    return outcome


def step_timings(body: bytes, runs: int) -> dict[str, float]:
    """The median time of each step of intake that needs no database, on one (stored) report."""
    from federation.hub.extensions import db
    from federation.hub.intake import reports
    from federation.hub.intake.checks import algorithms, find_sender, load_payload, public_key, verify
    from federation.hub.signing import hub_signer
    from federation.protocol.jws import parse_compact
    from federation.protocol.messages import receipt_digest
    from schemas.federation.decoding import report_claims

    def parse() -> Any:
        return parse_compact(body, typ=REPORT.typ, algorithms=algorithms(), claims=report_claims)

    jws = parse()
    sender = find_sender(jws.header["kid"])
    data = load_payload(reports._schema, jws.claims)
    now = utcnow()

    def receipt() -> str:
        return hub_signer().receipt(
            node_id=sender.node_id,
            subject="report",
            subject_id=data["report_id"],
            period=data["period"],
            revision=data["revision"],
            received_at=now,
            digest=receipt_digest(body),
        )

    steps = {
        STEP_PARSE: parse,
        STEP_SIGNATURE: lambda: verify(jws, public_key(sender)),
        STEP_SCHEMA: lambda: load_payload(reports._schema, jws.claims),
        STEP_AREAS: lambda: reports._check_areas(sender.areas, data["figures"]),
        STEP_DISCLOSURE: lambda: reports._check_disclosure(data),
        STEP_RECEIPT: receipt,
    }
    timings = {name: measure(call, runs).median for name, call in steps.items()}
    db.session.rollback()
    return timings


@dataclass
class DatabaseOutcome:
    dialect: str
    in_process: InProcessOutcome
    http: list[tuple[ServerSetup, HttpOutcome]]


def run(options: Options) -> Report:
    spec = dataclasses.replace(
        FULL_SIZE,
        reports=max(100, round(FULL_SIZE.reports * options.scale)),
        in_process=max(20, round(FULL_SIZE.in_process * options.scale)),
    )
    return run_spec(spec, options)


def run_spec(spec: IntakeSpec, options: Options, *, serve: Serve = served) -> Report:
    """Measure `spec` on SQLite and, when `options` names a server that answers, PostgreSQL.

    In process once per database; over HTTP once per server setup, each on a new database, all
    with the same reports. `serve` starts the hub (gunicorn; tests use a thread).
    """
    nodes = simulated_nodes(spec.nodes)
    maker = ReportMaker(spec.buurten, spec.templates, spec.seed, utcnow())
    started = time.perf_counter()
    in_process = maker.round_robin(nodes, spec.in_process + IN_PROCESS_WARMUP)
    batches = client_batches(spec, nodes, maker) if spec.setups else []
    sizes = [len(body) for body in in_process]
    print(
        f"  {count(spec.figures)} figures a report, {size(statistics.mean(sizes))}; "
        f"{count(len(in_process) + sum(map(len, batches)))} reports signed in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    dialects = ["sqlite"]
    if options.postgres_url is not None and postgres_answers(options.postgres_url):
        dialects.append("postgresql")
    options.results_dir.mkdir(parents=True, exist_ok=True)
    fsync = fsync_latency(options.results_dir)
    outcomes = []
    for dialect in dialects:
        name = DATABASE_NAMES[dialect]
        with hub_instance(dialect, options.postgres_url, nodes, options.results_dir) as hub:
            local = run_in_process(hub, in_process, options.runs)
        print(f"  {name}, in process: {1 / statistics.median(local.latencies):.0f} reports/s on one thread", flush=True)
        remote = []
        for setup in (s for s in spec.setups if s.dialect == dialect):
            with hub_instance(dialect, options.postgres_url, nodes, options.results_dir) as hub:
                with serve(hub, setup) as (port, pid):
                    outcome, answers = send_over_http(port, batches, spec.warmup, server_processes(hub, pid))
                outcome.receipts_verified = verify_receipts(hub, answers)
                outcome.stored = stored_reports(hub)
            remote.append((setup, outcome))
            print(
                f"  {name}, {setup.workers} workers x {setup.threads} threads over HTTP: "
                f"{outcome.per_second:.0f} reports/s",
                flush=True,
            )
        outcomes.append(DatabaseOutcome(dialect, local, remote))
    return _report(spec, options, outcomes, sizes, in_process, fsync, postgres_asked=options.postgres_url is not None)


def client_batches(spec: IntakeSpec, nodes: list[SimulatedNode], maker: ReportMaker) -> list[list[Sent]]:
    """Each node's reports go through one client, in the node's order; a client takes turns among its nodes."""
    batches: list[list[Sent]] = [[] for _ in range(spec.clients)]
    total = spec.reports + spec.clients * spec.warmup
    for i in range(total):
        node = nodes[i % len(nodes)]
        batches[(i % len(nodes)) % spec.clients].append((node.node_id, maker.next(node)))
    return batches


def _report(
    spec: IntakeSpec,
    options: Options,
    outcomes: list[DatabaseOutcome],
    sizes: list[int],
    sample: list[bytes],
    fsync: float,
    *,
    postgres_asked: bool,
) -> Report:
    report = Report(_verdict(spec, outcomes))
    names = [DATABASE_NAMES[o.dialect] for o in outcomes]
    runs = [(o.dialect, setup, h) for o in outcomes for setup, h in o.http]
    if runs:
        table = Table(
            f"Over HTTP: `wijknet hub run` on 127.0.0.1, a new database each, {spec.clients} clients (threads of "
            f"the benchmark, one keep-alive connection each), {count(spec.reports)} reports after {spec.warmup} "
            "per client to warm up",
            [
                "database",
                "workers × threads",
                "reports/s",
                "latency median",
                "p95",
                "max",
                "all cores busy",
                *(f"CPU per report: {group}" for group in (CPU_HUB, CPU_DATABASE, CPU_LOAD_GENERATOR)),
                "receipts verified",
                "reports stored",
            ],
        )
        for dialect, setup, h in runs:
            table.rows.append(
                [
                    DATABASE_NAMES[dialect],
                    f"{setup.workers} × {setup.threads}",
                    f"**{h.per_second:.0f}**",
                    milliseconds(statistics.median(h.latencies)),
                    milliseconds(_percentile(h.latencies, 0.95)),
                    milliseconds(h.latencies[-1]),
                    f"{h.machine_busy:.0%}",
                    *(
                        milliseconds(h.cpu_per_report[g]) if g in h.cpu_per_report else "–"
                        for g in (CPU_HUB, CPU_DATABASE, CPU_LOAD_GENERATOR)
                    ),
                    count(h.receipts_verified),
                    count(h.stored),
                ]
            )
        report.tables.append(table)

    local = Table(
        f"In process: {count(len(outcomes[0].in_process.latencies))} reports one after another through the WSGI "
        "app (Flask's test client), no HTTP and no concurrency",
        ["database", "latency median", "p95", "CPU per report", "SQL statements per report", "commit median"],
    )
    for o in outcomes:
        p = o.in_process
        local.rows.append(
            [
                DATABASE_NAMES[o.dialect],
                milliseconds(statistics.median(p.latencies)),
                milliseconds(_percentile(sorted(p.latencies), 0.95)),
                milliseconds(statistics.median(p.cpu)),
                f"{statistics.median(p.statements):.0f}",
                milliseconds(statistics.median(p.commit)),
            ]
        )
    report.tables.append(local)

    steps = Table("Where the time of one report goes (medians, in process)", ["step", *names])
    for name in STEPS:
        steps.rows.append([name, *(milliseconds(o.in_process.steps[name]) for o in outcomes)])
    steps.rows.append(
        [
            "SQL statements (key and node, duplicate, head and revision, insert, head)",
            *(milliseconds(statistics.median(o.in_process.sql)) for o in outcomes),
        ]
    )
    steps.rows.append(
        [
            "commit (durable: the receipt promises it)",
            *(milliseconds(statistics.median(o.in_process.commit)) for o in outcomes),
        ]
    )
    steps.rows.append(
        [
            "the rest: Flask, rate limit, ORM, the answer",
            *(milliseconds(max(0.0, _rest(o.in_process))) for o in outcomes),
        ]
    )
    steps.rows.append(
        ["**the whole request**", *(f"**{milliseconds(statistics.median(o.in_process.latencies))}**" for o in outcomes)]
    )
    report.tables.append(steps)

    suppressed = statistics.mean(_suppressed_share(body) for body in sample[:20])
    report.notes.append(
        f"Each report: {count(spec.figures)} figures (one wijk and {spec.buurten} buurten, every metric of the code "
        f"list per category and for `_all`; {suppressed:.0%} suppressed by the protocol's `suppress`), "
        f"{size(statistics.mean(sizes))} of compact JWS; {count(spec.nodes)} nodes, each sending revisions 1 and 2 of "
        "one month after another; all signed before the clock starts."
    )
    report.notes.append(
        f"Writing 8 KiB and `fdatasync` takes {milliseconds(fsync)} (median) on the disk of the benchmark's "
        "results folder; SQLite commits with `synchronous=FULL` in WAL mode, PostgreSQL with `synchronous_commit=on`."
    )
    if runs:
        report.notes.append(_cpu_ceiling(runs))
        report.notes.append(
            "The hub's projection job is switched off (`scheduler = false`): the figures table is filled where "
            "figures are read, not by intake. The rate limit counts every request as usual (its limit raised)."
        )
    if postgres_asked and "postgresql" not in [o.dialect for o in outcomes]:
        report.notes.append("PostgreSQL did not answer: measured on SQLite only.")
    report.notes.append(f"Load average {os.getloadavg()[0]:.1f} when the run ended (other work on the machine).")
    return report


def _cpu_ceiling(runs: list[tuple[str, ServerSetup, HttpOutcome]]) -> str:
    """What the machine's cores can do at the CPU a report costs in the fastest setup."""
    dialect, setup, fastest = max(runs, key=lambda run: run[2].per_second)
    per_report = sum(fastest.cpu_per_report.values())
    cores = os.cpu_count() or 1
    if per_report <= 0:
        return f"The run was too short to measure the CPU time of a report ({cores} cores)."
    return (
        f"In the fastest setup ({DATABASE_NAMES[dialect]}, {setup.workers} × {setup.threads}) a report costs "
        f"{milliseconds(per_report)} of CPU in all (hub workers, database, load generator): {cores} cores can do "
        f"at most {cores / per_report:.0f} reports a second at that cost; {BUDGET_PER_SECOND} a second would need "
        f"{BUDGET_PER_SECOND * per_report:.1f} cores' worth."
    )


def _verdict(spec: IntakeSpec, outcomes: list[DatabaseOutcome]) -> str:
    budget = f"at least {BUDGET_PER_SECOND} reports a second verified and durably stored, over HTTP"
    best = {o.dialect: max(h.per_second for _, h in o.http) for o in outcomes if o.http}
    if spec.reports != FULL_SIZE.reports or spec.figures != FULL_SIZE.figures or not best:
        return f"Budget: {budget}; this run is not the full benchmark, so it does not judge the budget."
    rates = ", ".join(f"{DATABASE_NAMES[d]} {rate:.0f}/s" for d, rate in best.items())
    met = [DATABASE_NAMES[d] for d, rate in best.items() if rate >= BUDGET_PER_SECOND]
    if len(met) == len(best):
        return f"Budget: {budget}: met (best setup: {rates})."
    if met:
        return f"Budget: {budget}: met on {', '.join(met)} only (best setup: {rates})."
    return f"Budget: {budget}: not met (best setup: {rates})."


def _rest(outcome: InProcessOutcome) -> float:
    return (
        statistics.median(outcome.latencies)
        - sum(outcome.steps.values())
        - statistics.median(outcome.sql)
        - statistics.median(outcome.commit)
    )


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def _suppressed_share(body: bytes) -> float:
    from federation.protocol.jws import parse_compact

    figures = parse_compact(body, typ=REPORT.typ).claims["figures"]
    return sum(1 for f in figures if f.get("suppressed")) / len(figures)


def milliseconds(value: float) -> str:
    return f"{value * 1000:.2f} ms" if value < 0.01 else f"{value * 1000:.0f} ms"


BENCHMARK = Benchmark("hub-intake", "Hub intake", run)
