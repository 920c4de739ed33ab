"""The hub intake benchmark at a toy size, served by a thread instead of gunicorn, so that it cannot rot."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bench import hub_intake, hub_reports, hub_serving
from bench.framework import Options
from federation.hub.app import create_app
from federation.hub.extensions import db
from federation.protocol.disclosure import Figure, violations
from federation.protocol.jws import parse_compact
from federation.protocol.messages import REPORT
from wijknet.web.database import utcnow

TOY = hub_intake.IntakeSpec(
    nodes=3,
    buurten=1,
    reports=4,
    warmup=1,
    in_process=3,
    clients=2,
    setups=(hub_serving.ServerSetup("sqlite", 1, 1),),
    templates=2,
)


@contextmanager
def served_in_a_thread(hub: hub_serving.Hub, _setup: hub_serving.ServerSetup) -> Iterator[tuple[int, int]]:
    """The hub on 127.0.0.1, served by a thread of this process (the benchmark runs `wijknet hub run`)."""
    app = create_app(hub.instance, {"scheduler": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_port, os.getpid()
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


def test_reports_are_realistic_signed_and_pass_the_hubs_disclosure_check() -> None:
    nodes = hub_reports.simulated_nodes(TOY.nodes)
    maker = hub_reports.ReportMaker(TOY.buurten, TOY.templates, TOY.seed, utcnow())
    first, second = (parse_compact(maker.next(nodes[0]), typ=REPORT.typ) for _ in range(2))
    assert first.claims["period"] == second.claims["period"]
    assert (first.claims["revision"], second.claims["revision"]) == (1, 2)
    figures = first.claims["figures"]
    assert len(figures) == TOY.figures == 340
    assert {f["area"] for f in figures} == set(nodes[0].areas(TOY.buurten))
    assert any(f.get("suppressed") for f in figures) and any(f["value"] for f in figures)
    published = [Figure(f["area"], f["category"], f["metric"], f["value"], "suppressed" in f) for f in figures]
    assert violations(published, hub_reports.MIN_COUNT) == []
    first.verify(nodes[0].key.public)


def test_the_benchmark_runs_over_http_and_in_process_and_says_where_the_time_goes(tmp_path: Path) -> None:
    report = hub_intake.run_spec(TOY, Options(runs=1, results_dir=tmp_path), serve=served_in_a_thread)
    assert "does not judge the budget" in report.verdict
    over_http, in_process, steps = report.tables
    (row,) = over_http.rows
    assert row[:2] == ["SQLite", "1 × 1"] and row[-2:] == ["6", "6"]  # receipts verified, reports stored
    assert [row[0] for row in in_process.rows] == ["SQLite"]
    assert [row[0] for row in steps.rows][: len(hub_intake.STEPS)] == list(hub_intake.STEPS)
    assert all(row[1].strip("*").endswith("ms") for row in steps.rows)
    assert "340 figures" in report.notes[0] and "cores" in report.notes[2]
    assert list(tmp_path.iterdir()) == []  # the hub instances are gone

    in_process_only = dataclasses.replace(TOY, setups=())
    assert len(hub_intake.run_spec(in_process_only, Options(runs=1, results_dir=tmp_path)).tables) == 2


Served = tuple[hub_serving.Hub, tuple[int, int], list[hub_reports.SimulatedNode]]


@pytest.fixture
def toy_hub(tmp_path: Path) -> Iterator[Served]:
    """A served hub with the toy's nodes enrolled: the hub, (port, pid), the nodes."""
    nodes = hub_reports.simulated_nodes(TOY.nodes)
    with (
        hub_serving.hub_instance("sqlite", None, nodes, tmp_path) as hub,
        served_in_a_thread(hub, TOY.setups[0]) as address,
    ):
        yield hub, address, nodes


def test_the_load_generator_refuses_any_answer_but_201_with_a_receipt(toy_hub: Served) -> None:
    hub, (port, pid), nodes = toy_hub
    maker = hub_reports.ReportMaker(TOY.buurten, TOY.templates, TOY.seed, utcnow())
    batches = hub_intake.client_batches(TOY, nodes, maker)

    def servers() -> dict[str, list[int]]:
        return {hub_serving.CPU_HUB: [pid]}

    outcome, answers = hub_serving.send_over_http(port, batches, TOY.warmup, servers)
    assert outcome.reports == len(outcome.latencies) == TOY.reports
    assert hub_serving.verify_receipts(hub, answers) == len(answers) == sum(map(len, batches))
    with pytest.raises(hub_serving.Failure, match="answer 200"):  # a duplicate is no new report
        hub_serving.send_over_http(port, [batches[0][:1]], 0, servers)
