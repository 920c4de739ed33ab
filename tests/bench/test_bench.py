"""The benchmark machinery at a toy size, so that `make bench` cannot rot between runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import needs_analysis
from bench.__main__ import main
from bench.docs import markdown, markers, write_section
from bench.framework import Options, measure
from bench.machine import this_machine
from bench.registry import BENCHMARKS


def test_the_command_runs_the_needs_benchmark_and_a_rerun_reuses_its_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "performance.md"
    toy = ["--runs", "1", "--scale", "0.002", "--no-postgres"]  # 2,000 requests
    assert main(["needs", *toy, "--results", str(tmp_path), "--docs", str(docs)]) == 0
    printed = capsys.readouterr().out
    assert "== Needs analysis (needs)" in printed
    assert "does not judge the budget" in printed
    assert "no PostgreSQL" in docs.read_text()
    assert len(list(tmp_path.glob("needs-*.sqlite3"))) == 1

    report = needs_analysis.run(Options(runs=1, scale=0.002, postgres_url=None, results_dir=tmp_path))
    timings, plans, data = report.tables
    assert [row[0] for row in timings.rows] == [c.name for c in needs_analysis.cases(needs_analysis.FULL_SIZE)]
    assert all("CPU" in row[3] and row[4].endswith(("ms", " s")) for row in timings.rows)
    assert {row[0] for row in plans.rows} >= {f"`{q}`" for q in needs_analysis.INTENDED_INDEXES}
    assert "not using" not in " ".join(row[2] for row in plans.rows), "SQLite uses every intended index"
    assert data.rows[0][-1].endswith("(reused)")

    with pytest.raises(SystemExit):
        main(["nonsense"])


def test_a_section_is_replaced_and_the_rest_of_the_file_kept(tmp_path: Path) -> None:
    docs = tmp_path / "performance.md"
    begin, end = markers("needs")
    docs.write_text(f"# Performance\n\nBy hand.\n\n## Needs analysis\n\n{begin}\nold figures\n{end}\n\nAfter.\n")
    benchmark = BENCHMARKS["needs"]

    write_section(docs, benchmark, "new figures")
    text = docs.read_text()
    assert "old figures" not in text
    assert f"{begin}\nnew figures\n{end}" in text
    assert text.startswith("# Performance\n\nBy hand.") and text.endswith("After.\n")

    other = needs_analysis.Benchmark("other", "Another one", needs_analysis.run)
    write_section(docs, other, "its figures")
    assert docs.read_text().endswith(f"## Another one\n\n{markers('other')[0]}\nits figures\n{markers('other')[1]}\n")


def test_measure_reports_median_maximum_and_memory() -> None:
    calls = []
    timing = measure(lambda: calls.append(bytearray(100_000)), runs=3)
    assert len(calls) == 5  # one warm-up, three timed, one under tracemalloc
    assert 0 <= timing.median <= timing.max
    assert timing.peak_bytes >= 100_000


def test_the_machine_is_described_for_the_record() -> None:
    text = markdown(needs_analysis.Report("verdict"), this_machine(None))
    assert "Python" in text and "SQLite" in text and "no PostgreSQL" in text
