"""Query plans of a service call: which indexes its queries use, and which big tables they read whole."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event

SQLITE_ACCESS = re.compile(
    r"^(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX (\w+)| USING (INTEGER PRIMARY KEY))?"
)
POSTGRES_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
POSTGRES_INDEX_SCAN = re.compile(r"Index (?:Only )?Scan(?: Backward)? using (\w+) on (\w+)")
POSTGRES_BITMAP_SCAN = re.compile(r"Bitmap Index Scan on (\w+)")


@dataclass
class QueryPlan:
    query: str  # the function that sent it
    lines: list[str]
    indexes: list[str] = field(default_factory=list)  # in the order the plan uses them
    full_scans: list[str] = field(default_factory=list)  # tables read whole, by the table or by an index


def query_plans(engine: Engine, metadata: MetaData, module_file: str, call: Callable[[], object]) -> list[QueryPlan]:
    """Run `call`, catching each SELECT it sends, then explain each with the same parameters.

    The planner settings it makes on the way (`SET LOCAL ...`) are made again
    in the same order, in one transaction, so that each plan is the one the
    call got.
    """
    sent: list[tuple[str, str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        verb = statement.lstrip().upper()
        if verb.startswith(("SELECT", "WITH")):
            sent.append((_sender(module_file), statement, parameters))
        elif verb.startswith("SET "):
            sent.append(("", statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    seen: dict[str, int] = {}
    plans = []
    with engine.connect() as connection, connection.begin():
        for query, statement, parameters in sent:
            if not query:
                connection.exec_driver_sql(statement, parameters)
                continue
            seen[query] = seen.get(query, 0) + 1
            label = query if seen[query] == 1 else f"{query} #{seen[query]}"
            plans.append(_explain(connection, metadata, label, statement, parameters))
    return plans


def _sender(module_file: str) -> str:
    frames = [f for f in traceback.extract_stack() if f.filename == module_file]
    return frames[-1].name if frames else "?"


def _explain(connection: Connection, metadata: MetaData, label: str, statement: str, parameters: Any) -> QueryPlan:
    tables = set(metadata.tables)
    if connection.dialect.name == "sqlite":
        lines = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        plan = QueryPlan(label, lines)
        for line in lines:
            found = SQLITE_ACCESS.match(line)
            if not found or found.group(2) not in tables:
                continue
            verb, table, index, primary_key = found.groups()
            name = index or ("rowid" if primary_key else None)
            if name and name not in plan.indexes:
                plan.indexes.append(name)
            if verb == "SCAN":
                plan.full_scans.append(table)
        return plan
    lines = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", parameters)]
    plan = QueryPlan(label, lines)
    for line in lines:
        for found in POSTGRES_INDEX_SCAN.finditer(line):
            if found.group(1) not in plan.indexes:
                plan.indexes.append(found.group(1))
        for found in POSTGRES_BITMAP_SCAN.finditer(line):
            if found.group(1) not in plan.indexes:
                plan.indexes.append(found.group(1))
        plan.full_scans += [t for t in POSTGRES_SEQ_SCAN.findall(line) if t in tables]
    return plan
