"""Sections of docs/performance.md that the benchmarks write, each between its own markers.

Everything outside the markers is written by hand and kept as it is; a
benchmark without a section yet gets one at the end.
"""

from __future__ import annotations

from pathlib import Path

from bench.framework import Benchmark, Report, Table
from bench.machine import Machine

DOCS_FILE = Path(__file__).parent.parent / "docs" / "performance.md"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} (written by `python -m bench {name}`) -->", f"<!-- /bench:{name} -->"


def write_section(path: Path, benchmark: Benchmark, body: str) -> None:
    """Put `body` between the benchmark's markers, replacing what was there."""
    text = path.read_text() if path.exists() else "# Performance\n"
    begin, end = markers(benchmark.name)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{body}\n{end}{tail}"
    else:
        text = f"{text.rstrip()}\n\n## {benchmark.title}\n\n{begin}\n{body}\n{end}\n"
    path.write_text(text)


def markdown(report: Report, machine: Machine) -> str:
    parts = [f"Measured {machine.describe()}.", f"**{report.verdict}**"]
    parts += [_markdown_table(table) for table in report.tables]
    if report.notes:
        parts.append("\n".join(f"- {note}" for note in report.notes))
    return "\n\n".join(parts)


def plain_text(report: Report) -> str:
    parts = [report.verdict]
    for table in report.tables:
        widths = [max(len(str(cell)) for cell in column) for column in zip(table.columns, *table.rows, strict=True)]
        lines = [table.title, "  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True))]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in table.rows]
        parts.append("\n".join(lines))
    parts += report.notes
    return "\n\n".join(parts)


def _markdown_table(table: Table) -> str:
    lines = [f"{table.title}:", "", "| " + " | ".join(table.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return "\n".join(lines)
