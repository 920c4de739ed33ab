"""The needs analysis on a node with a million help requests: budget, under a second per analysis.

Times `node.needs.services.needs_analysis` for periods of 1 to 60 months and
with filters, on SQLite and (when it answers) PostgreSQL, and records which
indexes its queries use.
"""

from __future__ import annotations

import dataclasses
import resource
import tempfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData

from bench.databases import Dataset, postgres_bench_url, postgres_dataset, sqlite_dataset
from bench.framework import Benchmark, Options, Report, Table, Timing, count, measure, seconds, size
from bench.node_data import BUURTEN, NodeDataSpec
from bench.plans import QueryPlan, query_plans
from federation.protocol.periods import shift_period

BUDGET_SECONDS = 1.0
FULL_SIZE = NodeDataSpec()
PLAN_CASE = "12 months"
BIG_TABLES = ("help_requests", "matches", "time_logs")
# The index each query of the analysis is written for, in the case whose plans are shown (a long period:
# read whole in the order of the GROUP BY on SQLite; PostgreSQL may choose the range indexes instead).
INTENDED_INDEXES = {
    "_matching": ("ix_help_requests_waiting",),
    "_received": ("ix_help_requests_category",),
    "_open_at": ("ix_help_requests_matched",),
    "_supply_at": ("ix_offer_status_changes_offer_at",),
    "_active_volunteers": ("ix_volunteer_activity_category",),
}
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Case:
    name: str
    period_from: str
    period_to: str
    category: str | None = None
    buurt_code: str | None = None


@dataclass
class Outcome:
    timing: Timing
    requests: int  # received in the period
    rows: int  # rows of the analysis (category and buurt)
    plans: list[QueryPlan]


def cases(spec: NodeDataSpec) -> list[Case]:
    """The periods a coordinator asks for, ending with the last month of the data, and an old month."""
    last = spec.last_month
    year_ago = shift_period(last, -11)
    return [
        Case("1 month", last, last),
        Case("3 months", shift_period(last, -2), last),
        Case(PLAN_CASE, year_ago, last),
        Case(f"{spec.months} months (everything)", spec.first_month, last),
        Case("12 months, one category", year_ago, last, category="shopping"),
        Case("12 months, one buurt", year_ago, last, buurt_code=next(iter(BUURTEN))),
        Case("1 month, 2 years back", shift_period(last, -24), shift_period(last, -24)),
    ]


def run(options: Options) -> Report:
    spec = dataclasses.replace(FULL_SIZE, requests=max(1000, round(FULL_SIZE.requests * options.scale)))
    metadata = _node_metadata()
    print(f"  data set: {count(spec.requests)} requests ({spec.key()})", flush=True)
    datasets = [sqlite_dataset(options.results_dir, "needs", spec, metadata)]
    postgres_url = postgres_bench_url(options.postgres_url) if options.postgres_url else None
    if postgres_url:
        datasets.append(postgres_dataset(postgres_url, spec, metadata))
    for d in datasets:
        how = "built in" if d.rebuilt else "reused, built in"
        print(f"  {DATABASE_NAMES[d.dialect]}: {how} {seconds(d.build_seconds)}, {size(d.size_bytes)}", flush=True)
    outcomes = {d.dialect: _measure(d, spec, metadata, options.runs) for d in datasets}
    return _report(spec, options, datasets, outcomes, postgres_asked=options.postgres_url is not None)


def _node_metadata() -> MetaData:
    from node import models  # noqa: F401  (registers every table)
    from node.extensions import db

    return db.metadata


def _measure(dataset: Dataset, spec: NodeDataSpec, metadata: MetaData, runs: int) -> dict[str, Outcome]:
    from node import needs
    from node.accounts.actor import Actor
    from node.app import create_app
    from node.extensions import db
    from node.needs.services import needs_analysis

    actor = Actor.system("bench")
    outcomes = {}
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(instance, {"testing": True, "scheduler": False, "database_url": dataset.url})
        with app.app_context():
            try:
                for case in cases(spec):

                    def call(case: Case = case) -> Any:
                        try:
                            return needs_analysis(
                                actor,
                                case.period_from,
                                case.period_to,
                                category=case.category,
                                buurt_code=case.buurt_code,
                                now=spec.end,  # the data's own "now": the same figures on every run
                            )
                        finally:
                            db.session.remove()

                    analysis = call()
                    timing = measure(call, runs)
                    plans = []
                    if case.name == PLAN_CASE:
                        plans = query_plans(db.engine, metadata, needs.services.__file__, call)
                    requests = sum(t.demand for t in analysis.totals)
                    outcomes[case.name] = Outcome(timing, requests, len(analysis.rows), plans)
                    database = DATABASE_NAMES[dataset.dialect]
                    print(f"  {database}, {case.name}: {seconds(timing.median)}", flush=True)
            finally:
                db.engine.dispose()
    return outcomes


def _report(
    spec: NodeDataSpec,
    options: Options,
    datasets: list[Dataset],
    outcomes: dict[str, dict[str, Outcome]],
    *,
    postgres_asked: bool,
) -> Report:
    dialects = [d.dialect for d in datasets]
    report = Report(_verdict(spec, outcomes))
    timings = Table(
        f"`needs_analysis` at {count(spec.requests)} requests, median and slowest of {options.runs} runs "
        "after one warm-up",
        ["case", "requests in period", "rows"]
        + [f"{DATABASE_NAMES[d]} {what}" for d in dialects for what in ("median", "max")]
        + [f"peak Python memory ({' / '.join(DATABASE_NAMES[d] for d in dialects)})"],
    )
    for case in cases(spec):
        first = outcomes[dialects[0]][case.name]
        row = [case.name, count(first.requests), str(first.rows)]
        for d in dialects:
            timing = outcomes[d][case.name].timing
            cpu = f" (CPU {seconds(timing.cpu_median)})" if d == "sqlite" else ""
            row += [seconds(timing.median) + cpu, seconds(timing.max)]
        row.append(" / ".join(size(outcomes[d][case.name].timing.peak_bytes) for d in dialects))
        timings.rows.append(row)
    report.tables.append(timings)

    plans = Table(
        f"Query plans ({PLAN_CASE}): indexes used, in plan order; a full scan of a big table is named",
        ["query", "intended index", *(DATABASE_NAMES[d] for d in dialects)],
    )
    by_dialect = {d: {plan.query: plan for plan in outcomes[d][PLAN_CASE].plans} for d in dialects}
    for query in by_dialect[dialects[0]]:
        intended = INTENDED_INDEXES.get(query.split(" #")[0], ())
        row = [f"`{query}`", ", ".join(f"`{name}`" for name in intended)]
        for d in dialects:
            plan = by_dialect[d].get(query)
            row.append(_plan_summary(plan, intended) if plan else "not sent")
        plans.rows.append(row)
    report.tables.append(plans)

    data = Table("The data set", ["database", "build time", "size", "built"])
    for d in datasets:
        reused = "this run" if d.rebuilt else f"{d.built_at[:10]} (reused)"
        data.rows.append([DATABASE_NAMES[d.dialect], seconds(d.build_seconds), size(d.size_bytes), reused])
    report.tables.append(data)

    rows = datasets[0].rows
    report.notes.append(
        f"{spec.years} years from {spec.first_month}, 11 categories, {len(BUURTEN)} buurten: "
        + ", ".join(f"{count(n)} {table}" for table, n in sorted(rows.items(), key=lambda item: -item[1]))
        + "."
    )
    report.notes.append(
        "SQLite runs inside the benchmark's process, so its CPU time is the queries' own work; a median well "
        "above it is time spent waiting for other work on the machine."
    )
    report.notes.append(
        f"Peak Python memory is what one call allocates at most (tracemalloc); the process peaked at "
        f"{size(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)} resident, building included."
    )
    if postgres_asked and "postgresql" not in dialects:
        report.notes.append("PostgreSQL did not answer: measured on SQLite only.")
    return report


def _verdict(spec: NodeDataSpec, outcomes: dict[str, dict[str, Outcome]]) -> str:
    budget = f"under {BUDGET_SECONDS:.0f} s per analysis at {count(FULL_SIZE.requests)} requests"
    if spec.requests != FULL_SIZE.requests:
        return f"Budget: {budget}; this run has {count(spec.requests)} requests, so it does not judge the budget."
    over = [
        f"{DATABASE_NAMES[d]} {name} ({seconds(o.timing.median)})"
        for d, by_case in outcomes.items()
        for name, o in by_case.items()
        if o.timing.median >= BUDGET_SECONDS
    ]
    if not over:
        return f"Budget: {budget}: met in every case (median)."
    return f"Budget: {budget}: not met by " + ", ".join(over) + "."


def _plan_summary(plan: QueryPlan, intended: tuple[str, ...]) -> str:
    parts = [", ".join(f"`{name}`" for name in plan.indexes) or "no index"]
    big = sorted({t for t in plan.full_scans if t in BIG_TABLES})
    if big:
        parts.append("full scan of " + ", ".join(big))
    missing = [name for name in intended if name not in plan.indexes]
    if missing:
        parts.append("not using " + ", ".join(f"`{name}`" for name in missing))
    return "; ".join(parts)


BENCHMARK = Benchmark("needs", "Needs analysis", run)
