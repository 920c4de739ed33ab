"""The machine a benchmark ran on, for the record next to its figures."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    date: str
    cpu: str
    cores: int
    memory_bytes: int
    system: str
    python: str
    sqlite: str
    postgresql: str | None
    load: float  # one-minute load average when the run started: other work on the machine slows it

    def describe(self) -> str:
        postgresql = f"PostgreSQL {self.postgresql}" if self.postgresql else "no PostgreSQL"
        return (
            f"{self.date} on {self.cpu} ({self.cores} cores), {self.memory_bytes / 2**30:.0f} GiB RAM, "
            f"{self.system}; Python {self.python}, SQLite {self.sqlite}, {postgresql}; "
            f"load average {self.load:.1f} at the start"
        )


def this_machine(postgresql: str | None) -> Machine:
    return Machine(
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
        cpu=_cpu_model(),
        cores=os.cpu_count() or 1,
        memory_bytes=os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        system=f"{platform.system()} {platform.release()}",
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        postgresql=postgresql,
        load=os.getloadavg()[0],
    )


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()
