"""`python -m bench [NAME ...]`: run benchmarks, print their figures, and write them into docs/performance.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.databases import postgres_bench_url, postgres_server_url, postgres_version
from bench.docs import DOCS_FILE, markdown, plain_text, write_section
from bench.framework import RESULTS_DIR, Options
from bench.machine import this_machine
from bench.registry import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case, after one warm-up (default 5)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full data size, for a quick look (default 1)"
    )
    parser.add_argument("--no-postgres", action="store_true", help="measure on SQLite only")
    parser.add_argument(
        "--docs", type=Path, help="file to write the figures into (default: docs/performance.md, at full size only)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where built databases are cached")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are: {', '.join(BENCHMARKS)}")
    if args.runs < 1 or args.scale <= 0:
        parser.error("--runs and --scale must be above zero")

    server = None if args.no_postgres else postgres_server_url()
    bench_url = postgres_bench_url(server) if server else None
    machine = this_machine(postgres_version(bench_url) if bench_url else None)
    options = Options(args.runs, args.scale, server if bench_url else None, args.results.resolve())
    docs = args.docs or (DOCS_FILE if args.scale == 1 else None)
    for name in args.names or list(BENCHMARKS):
        benchmark = BENCHMARKS[name]
        print(f"== {benchmark.title} ({name})", flush=True)
        report = benchmark.run(options)
        print(plain_text(report), flush=True)
        if docs:
            write_section(docs, benchmark, markdown(report, machine))
            print(f"-> {docs}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
