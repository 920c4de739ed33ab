"""The hub's dashboards on 200 nodes and five years of figures: budget, a page's queries well under 300 ms.

A hub database is built directly (no signing, no intake): 200 nodes, a
hundred to a municipality, each reporting a wijk and its four buurten; one
head report per node and month for 60 months, each with 850 figures taken
from disclosure-controlled templates of `bench.hub_reports` (so suppressed
cells are where a node would put them); the reference data with a
population per area; a valuation. The totals the projection keeps are made
with `rebuild_totals()`, which is timed too. The benchmark then times the
dashboards' services (what each page calls) on SQLite and, when it answers,
PostgreSQL, and renders the dashboard's pages as an analyst opens them
(Flask's test client, logged in: the whole request from the URL to the
HTML or CSV, without the network). The budget is 300 ms a page.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from bench.framework import Benchmark, Options, Report, Timing, count, measure, seconds, size
from bench.framework import Table as ReportTable
from bench.hub_reports import MIN_COUNT, ReportMaker
from bench.loading import build_tables, index_ddl, secondary_indexes
from bench.node_data import Batch
from federation.protocol.codelists import ALL_CATEGORIES
from federation.protocol.periods import AMSTERDAM, period_end, period_start, periods_between, shift_period

BUDGET_SECONDS = 0.300
BENCH_DATABASE = "wijknet_bench_hub_dashboards"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LAST_MONTH = "2026-10"
MUNICIPALITIES = ("GM0344", "GM0363")
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
STAMP = Table(
    "bench_hub_dataset",
    MetaData(),
    Column("key", String(40), primary_key=True),
    Column("row_counts", Text, nullable=False),
    Column("build_seconds", Float, nullable=False),
    Column("totals_seconds", Float, nullable=False),
    Column("built_at", String(40), nullable=False),
    Column("indexes", Text, nullable=False),  # JSON: index name -> CREATE INDEX statement
    Column("totals_table", Text, nullable=False),  # the figure_totals columns the totals were made for
)


@dataclass(frozen=True)
class HubDataSpec:
    nodes: int = 200
    months: int = 60
    buurten: int = 4  # per node, besides its wijk: 5 areas x 170 figures = 850 a node-month
    templates: int = 16
    late_share: float = 0.1  # reports received after the deadline
    seed: int = 30

    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]

    @property
    def month_list(self) -> list[str]:
        return periods_between(shift_period(LAST_MONTH, 1 - self.months), LAST_MONTH)


@dataclass
class Dataset:
    url: str
    dialect: str
    build_seconds: float
    totals_seconds: float
    built_at: str
    rebuilt: bool
    rows: dict[str, int]
    size_bytes: int


def node_plan(spec: HubDataSpec) -> list[tuple[str, str, str]]:
    """(node id, municipality, wijk): a hundred nodes to a municipality, a wijk each."""
    plan = []
    for i in range(spec.nodes):
        municipality = MUNICIPALITIES[(i // 100) % len(MUNICIPALITIES)]
        plan.append((f"node-{i:04d}", municipality, f"WK{municipality[2:]}{i % 100:02d}"))
    return plan


def generate(spec: HubDataSpec) -> Iterator[Batch]:
    """Every row, a node at a time (51,000 figures)."""
    rng = random.Random(spec.seed)
    templates = ReportMaker(spec.buurten, spec.templates, spec.seed, NOW).figure_sets
    months = spec.month_list
    first_start = period_start(months[0]).replace(tzinfo=None)
    plan = node_plan(spec)
    yield Batch("reference_areas", list(_reference_rows(plan, spec, rng)))
    yield Batch(
        "valuations",
        [
            {
                "id": 1,
                "method": "replacement_cost",
                "rate_cents": 1550,
                "source": "bench",
                "source_url": None,
                "valid_from": datetime(2020, 1, 1).date(),
                "set_at": first_start,
                "set_by": "bench",
            }
        ],
    )
    yield Batch(
        "nodes",
        [
            {
                "node_id": n,
                "name": f"Wijkcoöperatie {n}",
                "name_given": n,
                "municipality": m,
                "status": "active",
                "software": "bench",
                "enrolled_at": first_start,
                "suspended_at": None,
            }
            for n, m, _ in plan
        ],
    )
    yield Batch("node_areas", [{"node_id": n, "area_code": w} for n, _, w in plan])
    report_id = 0
    for node_id, _, wijk in plan:
        areas = [wijk, *(f"BU{wijk[2:]}{b:02d}" for b in range(1, spec.buurten + 1))]
        reports, heads, figures = [], [], []
        for month in months:
            report_id += 1
            late = rng.random() < spec.late_share
            received = period_end(month).astimezone(AMSTERDAM) + timedelta(days=14 if late else 2)
            received = received.astimezone(UTC).replace(tzinfo=None)
            template = rng.choice(templates)
            reports.append(
                {
                    "id": report_id,
                    "report_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "node_id": node_id,
                    "period": month,
                    "revision": 1,
                    "complete": True,
                    "issued_at": received,
                    "received_at": received,
                    "min_count": MIN_COUNT,
                    "figure_count": len(template),
                    "kid": "bench",
                    "jws": "bench",
                    "digest": "bench",
                    "receipt": "bench",
                }
            )
            heads.append(
                {"node_id": node_id, "period": month, "report_pk": report_id, "revision": 1, "projected_pk": report_id}
            )
            figures += [
                {
                    "node_id": node_id,
                    "period": month,
                    "area": areas[f["area"]],
                    "category": f["category"],
                    "metric": f["metric"],
                    "value": f["value"],
                    "suppressed": f["value"] is None,
                    "revision": 1,
                }
                for f in template
            ]
        yield Batch("reports", reports)
        yield Batch("report_heads", heads)
        yield Batch("figures", figures)


def _reference_rows(plan: list[tuple[str, str, str]], spec: HubDataSpec, rng: random.Random) -> Iterator[dict]:
    by_municipality: dict[str, int] = {}
    for _, municipality, wijk in plan:
        buurten = [rng.randint(1500, 4000) for _ in range(spec.buurten)]
        by_municipality[municipality] = by_municipality.get(municipality, 0) + sum(buurten)
        yield _area(wijk, "wijk", municipality, sum(buurten))
        for b, population in enumerate(buurten, 1):
            yield _area(f"BU{wijk[2:]}{b:02d}", "buurt", wijk, population)
    for municipality, population in by_municipality.items():
        yield _area(municipality, "municipality", None, population)


def _area(code: str, level: str, parent: str | None, population: int) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code} (bench)",
        "level": level,
        "parent_code": parent,
        "population": population,
        "population_year": 2024,
        "source": "bench figures",
    }


# --- building and reusing the databases ------------------------------------------------------------


def _hub_metadata() -> MetaData:
    from federation.hub import models  # noqa: F401  (registers every table)
    from federation.hub.extensions import db

    return db.metadata


def _totals_table(metadata: MetaData) -> str:
    return ",".join(f"{c.name}:{c.type}" for c in metadata.tables["figure_totals"].columns)


def sqlite_dataset(results_dir: Path, spec: HubDataSpec) -> Dataset:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"hub-dashboards-{spec.key()}.sqlite3"
    url = f"sqlite:///{path}"
    return _dataset(
        url,
        spec,
        size=lambda: path.stat().st_size,
        wipe=lambda: [p.unlink() for p in path.parent.glob(path.name + "*")],
    )


def postgres_dataset(server_url: str, spec: HubDataSpec) -> Dataset | None:
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DATABASE})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    except Exception:
        return None
    finally:
        admin.dispose()
    database = url.set(database=BENCH_DATABASE).render_as_string(hide_password=False)

    def size() -> int:
        engine = create_engine(database)
        try:
            with engine.connect() as connection:
                return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
        finally:
            engine.dispose()

    def wipe() -> None:
        engine = create_engine(database)
        try:
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()

    return _dataset(database, spec, size=size, wipe=wipe)


def _dataset(url: str, spec: HubDataSpec, *, size: Callable[[], int], wipe: Callable[[], object]) -> Dataset:
    metadata = _hub_metadata()
    engine = _engine(url)
    try:
        stamp = _read_stamp(engine)
        if stamp is None or stamp["key"] != spec.key():
            engine.dispose()
            wipe()
            engine = _engine(url)
            return _build(engine, url, spec, metadata, size)
        return _reuse(engine, url, metadata, stamp, size)
    finally:
        engine.dispose()


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _fast_sqlite_build)
    return engine


def _fast_sqlite_build(dbapi_connection: Any, _record: Any) -> None:
    # Only while building a throwaway file: an interrupted build is wiped, never used.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-524288")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _read_stamp(engine: Engine) -> dict[str, Any] | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(STAMP.name):
            return None
        row = connection.execute(select(STAMP)).mappings().first()
        return dict(row) if row else None


def _build(engine: Engine, url: str, spec: HubDataSpec, metadata: MetaData, size: Callable[[], int]) -> Dataset:
    """Tables, rows, indexes, then the totals as the projection would have kept them."""
    started = time.perf_counter()
    rows, ddl = build_tables(engine, metadata, generate(spec), STAMP)
    _analyze(engine)
    totals_seconds, rows["figure_totals"] = _make_totals(url)
    _analyze(engine)
    build_seconds = time.perf_counter() - started
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    with engine.begin() as connection:
        connection.execute(
            STAMP.insert().values(
                key=spec.key(),
                row_counts=json.dumps(rows),
                build_seconds=build_seconds,
                totals_seconds=totals_seconds,
                built_at=built_at,
                indexes=json.dumps(ddl),
                totals_table=_totals_table(metadata),
            )
        )
    return Dataset(url, engine.dialect.name, build_seconds, totals_seconds, built_at, True, rows, size())


def _reuse(engine: Engine, url: str, metadata: MetaData, stamp: dict[str, Any], size: Callable[[], int]) -> Dataset:
    """The loaded figures, with the models' indexes brought in line and the totals made again if their table changed."""
    stored: dict[str, str] = json.loads(stamp["indexes"])
    rows = json.loads(stamp["row_counts"])
    totals_seconds = stamp["totals_seconds"]
    with engine.begin() as connection:
        if stamp["totals_table"] != _totals_table(metadata):
            metadata.tables["figure_totals"].drop(connection)
        metadata.create_all(connection)
        wanted = secondary_indexes(metadata)
        ddl = {index.name: index_ddl(index, connection) for index in wanted}
        for name in stored.keys() - ddl.keys():
            connection.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
        for index in wanted:
            if stored.get(index.name) != ddl[index.name]:
                connection.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
                index.create(connection)
    if stamp["totals_table"] != _totals_table(metadata):
        totals_seconds, rows["figure_totals"] = _make_totals(url)
    _analyze(engine)
    with engine.begin() as connection:
        connection.execute(
            STAMP.update().values(
                indexes=json.dumps(ddl),
                totals_table=_totals_table(metadata),
                totals_seconds=totals_seconds,
                row_counts=json.dumps(rows),
            )
        )
    return Dataset(
        url, engine.dialect.name, stamp["build_seconds"], totals_seconds, stamp["built_at"], False, rows, size()
    )


def _make_totals(url: str) -> tuple[float, int]:
    from federation.hub.extensions import db
    from federation.hub.figures.totals import rebuild_totals

    with tempfile.TemporaryDirectory() as instance, _app(url, instance).app_context():
        started = time.perf_counter()
        made = rebuild_totals()
        db.session.commit()
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return elapsed, made


def _analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _app(url: str, instance: str) -> Any:
    from federation.hub.app import create_app
    from federation.protocol.keys import SigningKey

    # A cheap password hash: logging the benchmark's analyst in is not what is measured.
    settings = {"scheduler": False, "database_url": url, "secure_cookies": False, "secret_key": "bench-" + "x" * 32}
    settings |= {"password_time_cost": 1, "password_memory_kib": 8192}
    return create_app(instance, settings, signing_key=SigningKey.generate())


ANALYST = "analist@bench.example.org"
CSRF_FIELD = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _analyst_client(app: Any) -> Any:
    """A test client logged in as the city cooperative's analyst, through the login form."""
    from federation.hub.accounts.actor import HubActor, HubRole
    from federation.hub.accounts.models import HubUser
    from federation.hub.accounts.services import create_user
    from federation.hub.extensions import db

    password = uuid.uuid4().hex
    with app.app_context():
        db.create_all()  # the accounts' tables, in a data set built before they existed
        db.session.execute(delete(HubUser).where(HubUser.email == ANALYST))
        create_user(
            HubActor.system("bench"),
            email=ANALYST,
            role=HubRole.ANALYST,
            municipality=None,
            name=None,
            password=password,
        )
        db.session.commit()
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"email": ANALYST, "password": password, "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"the benchmark's analyst could not log in: {answer.status_code}")
    return client


def _get_page(client: Any, path: str) -> None:
    answer = client.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")


# --- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    calls: tuple[Callable[[], object], ...] = ()
    path: str | None = None  # a page, rendered by the app for a logged-in analyst: held to the budget

    @property
    def page(self) -> bool:
        return self.path is not None


def cases(spec: HubDataSpec) -> list[Case]:
    from federation.hub.dashboards.by_area import Breakdown, by_area
    from federation.hub.dashboards.completeness import completeness
    from federation.hub.dashboards.key_figures import key_figures, trend
    from federation.hub.dashboards.needs import needs_and_gaps
    from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
    from federation.hub.dashboards.social_value import social_value

    every = Scope.everything()
    city, municipality = AreaSelection.city(), AreaSelection.area(MUNICIPALITIES[0])
    node_id, _, wijk_code = node_plan(spec)[min(7, spec.nodes - 1)]
    wijk, buurt, node = (
        AreaSelection.area(wijk_code),
        AreaSelection.area(f"BU{wijk_code[2:]}02"),
        AreaSelection.node(node_id),
    )
    month = PeriodSelection.month(LAST_MONTH)
    quarter = PeriodSelection.parse("2026-Q3")
    year = PeriodSelection.range(shift_period(LAST_MONTH, -11), LAST_MONTH)
    everything = PeriodSelection.range(spec.month_list[0], LAST_MONTH)

    def call(function: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
        return lambda: function(every, *args, now=NOW, **kwargs)

    def kf(period: Any, area: Any, category: str = ALL_CATEGORIES) -> Callable[[], object]:
        return call(key_figures, period, area, category)

    return [
        Case("key figures: city, one month", (kf(month, city),)),
        Case("key figures: city, 12 months", (kf(year, city),)),
        Case(f"key figures: city, {spec.months} months", (kf(everything, city),)),
        Case("key figures: municipality, a quarter, one category", (kf(quarter, municipality, "shopping"),)),
        Case("key figures: wijk, 12 months", (kf(year, wijk),)),
        Case("key figures: buurt, 12 months", (kf(year, buurt),)),
        Case("key figures: node, 12 months", (kf(year, node),)),
        Case(f"trend: city, {spec.months} months, every metric", (call(trend, everything, city),)),
        Case("by area: the city's 200 wijken, 12 months", (call(by_area, year, city, "requests_new"),)),
        Case(
            "by area: a municipality's nodes, 12 months",
            (call(by_area, year, municipality, "requests_new", breakdown=Breakdown.NODE),),
        ),
        Case("by area: a wijk's buurten, 12 months", (call(by_area, year, wijk, "volunteers_active"),)),
        Case("needs and gaps: municipality, a quarter, every category", (call(needs_and_gaps, quarter, municipality),)),
        Case("needs and gaps: municipality, 12 months", (call(needs_and_gaps, year, municipality),)),
        Case(f"needs and gaps: city, {spec.months} months", (call(needs_and_gaps, everything, city),)),
        Case("completeness: city, 12 months", (call(completeness, year, city, deadline_day=10),)),
        Case("social value: city, 12 months", (call(social_value, year, city),)),
        *page_cases(spec),
    ]


def page_cases(spec: HubDataSpec) -> list[Case]:
    """The dashboard's pages as a person opens them: the whole request, from the URL to the HTML."""
    node_id, _, wijk = node_plan(spec)[min(7, spec.nodes - 1)]
    year = f"{shift_period(LAST_MONTH, -11)}..{LAST_MONTH}"
    municipality = MUNICIPALITIES[0]
    return [
        Case("page: city dashboard (12 months, per wijk)", path=f"/dashboard?period={year}&area=city"),
        Case("page: municipality dashboard (a quarter)", path=f"/dashboard?period=2026-Q3&area={municipality}"),
        Case("page: wijk dashboard (12 months, per buurt)", path=f"/dashboard?period={year}&area={wijk}"),
        Case("page: node dashboard (12 months)", path=f"/dashboard?period={year}&area=node:{node_id}"),
        Case(
            "page: needs and gaps (municipality, 12 months)", path=f"/dashboard/needs?period={year}&area={municipality}"
        ),
        Case("page: reporting completeness (city, 12 months)", path=f"/dashboard/reporting?period={year}&area=city"),
        Case("page: social value (city, 12 months)", path=f"/dashboard/social-value?period={year}&area=city"),
        Case(
            "page: city table as CSV (12 months)", path=f"/dashboard/export.csv?period={year}&area=city&table=by-area"
        ),
    ]


def _measure(dataset: Dataset, spec: HubDataSpec, runs: int) -> dict[str, Timing]:
    from federation.hub.extensions import db

    timings = {}
    with tempfile.TemporaryDirectory() as instance:
        app = _app(dataset.url, instance)
        client = _analyst_client(app)
        gc.freeze()  # as `wijknet hub run` does in each worker once the app is loaded
        try:
            for case in cases(spec):

                def run(case: Case = case) -> None:
                    if case.path is not None:  # a request of its own, as served: its own app context
                        _get_page(client, case.path)
                    with app.app_context():
                        try:
                            for call in case.calls:
                                call()
                        finally:
                            db.session.remove()

                timings[case.name] = measure(run, runs)
                print(
                    f"  {DATABASE_NAMES[dataset.dialect]}, {case.name}: {seconds(timings[case.name].median)}",
                    flush=True,
                )
        finally:
            with app.app_context():
                db.engine.dispose()
    return timings


def run(options: Options) -> Report:
    spec = HubDataSpec(nodes=max(4, round(HubDataSpec.nodes * options.scale)))
    print(f"  data set: {spec.nodes} nodes x {spec.months} months ({spec.key()})", flush=True)
    datasets = [sqlite_dataset(options.results_dir, spec)]
    postgres = postgres_dataset(options.postgres_url, spec) if options.postgres_url else None
    if postgres:
        datasets.append(postgres)
    for d in datasets:
        how = "built in" if d.rebuilt else "reused, built in"
        print(f"  {DATABASE_NAMES[d.dialect]}: {how} {seconds(d.build_seconds)}, {size(d.size_bytes)}", flush=True)
    timings = {d.dialect: _measure(d, spec, options.runs) for d in datasets}
    return _report(spec, options, datasets, timings, postgres_asked=options.postgres_url is not None)


def _report(
    spec: HubDataSpec,
    options: Options,
    datasets: list[Dataset],
    timings: dict[str, dict[str, Timing]],
    *,
    postgres_asked: bool,
) -> Report:
    dialects = [d.dialect for d in datasets]
    pages = [c.name for c in cases(spec) if c.page]
    slowest = max(timings[d][p].max for d in dialects for p in pages)  # every run of every page, not the median
    met = "met" if slowest <= BUDGET_SECONDS else "NOT met"
    report = Report(
        f"Budget {seconds(BUDGET_SECONDS)} a page ({count(spec.nodes)} nodes, {spec.months} months, "
        f"{count(datasets[0].rows.get('figures', 0))} figures): {met}; "
        f"the slowest run of a page took {seconds(slowest)}."
    )
    table = ReportTable(
        f"The dashboards' services and pages, median and slowest of {options.runs} runs after one warm-up",
        ["case"] + [f"{DATABASE_NAMES[d]} {what}" for d in dialects for what in ("median", "max")],
    )
    for case in cases(spec):
        row = [case.name]
        for d in dialects:
            timing = timings[d][case.name]
            cpu = f" (CPU {seconds(timing.cpu_median)})" if d == "sqlite" else ""
            row += [seconds(timing.median) + cpu, seconds(timing.max)]
        table.rows.append(row)
    report.tables.append(table)
    data = ReportTable("The data set", ["database", "build time", "totals made in", "size", "built"])
    for d in datasets:
        built = "this run" if d.rebuilt else f"{d.built_at[:10]} (reused)"
        row = [
            DATABASE_NAMES[d.dialect],
            seconds(d.build_seconds),
            seconds(d.totals_seconds),
            size(d.size_bytes),
            built,
        ]
        data.rows.append(row)
    report.tables.append(data)
    rows = datasets[0].rows
    report.notes.append(
        ", ".join(f"{count(n)} {table}" for table, n in sorted(rows.items(), key=lambda item: -item[1])) + "."
    )
    report.notes.append(
        "`totals made in` is `rebuild_totals()` over every figure (what a check or a repair costs); "
        "the projection keeps the totals up to date a node-month at a time."
    )
    if postgres_asked and "postgresql" not in dialects:
        report.notes.append("PostgreSQL did not answer: measured on SQLite only.")
    return report


BENCHMARK = Benchmark("hub-dashboards", "Hub dashboards", run)
