"""What a benchmark is, what it reports, and how a call is timed."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"  # git-ignored: cached databases


@dataclass(frozen=True)
class Options:
    runs: int = 5  # timed runs per case, after one warm-up
    scale: float = 1.0  # fraction of the full data size
    postgres_url: str | None = None  # a PostgreSQL server to measure on as well; None: SQLite only
    results_dir: Path = RESULTS_DIR


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Report:
    verdict: str  # one line: the budget, and whether it is met
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Benchmark:
    name: str  # what `python -m bench NAME` takes, and the name of its section in the docs
    title: str
    run: Callable[[Options], Report]


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    max: float
    runs: int
    peak_bytes: int  # Python memory allocated at the peak of one call
    cpu_median: float  # this process's CPU seconds: an in-process database's own work, whatever else the machine does


def measure(call: Callable[[], object], runs: int, warmups: int = 1) -> Timing:
    """Warm up, time `runs` calls, then one more call under tracemalloc (which slows it) for the memory."""
    for _ in range(warmups):
        call()
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Timing(statistics.median(samples), max(samples), runs, peak, statistics.median(cpu))


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def size(value: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def count(value: int) -> str:
    return f"{value:,}"
