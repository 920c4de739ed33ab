"""Every benchmark `python -m bench` knows, by name; a new one adds its module's BENCHMARK here."""

from __future__ import annotations

from bench import hub_dashboards, hub_intake, needs_analysis
from bench.framework import Benchmark

BENCHMARKS: dict[str, Benchmark] = {
    b.name: b for b in (needs_analysis.BENCHMARK, hub_intake.BENCHMARK, hub_dashboards.BENCHMARK)
}
