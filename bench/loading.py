"""Bulk loading of generated rows: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL.

The ORM would spend most of its time on identity maps and events; a bulk
load of a million requests only needs the values written in the form the
app's column types write them. What the services derive is derived here the
same way: a request's waiting time from the row's own values (so rows made by
hand, like a test's requests on the edges of a month, cannot carry a stale
one), and the volunteers' months of activity from the matches and hours
loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from sqlalchemy import JSON, Column, Connection, Engine, Enum, Index, MetaData, String, Table, insert, text
from sqlalchemy.schema import CreateIndex
from sqlalchemy.types import TypeDecorator

from bench.node_data import Batch
from federation.protocol.periods import period_of, period_of_date
from node.help.models import waiting_hours
from node.needs.activity import COUNTED_MATCH_STATUSES, Activity, activity_rows
from node.work.models import VolunteerActivity


def build_tables(
    engine: Engine, metadata: MetaData, batches: Iterable[Batch], stamp: Table
) -> tuple[dict[str, int], dict[str, str]]:
    """Tables, then the rows, then the indexes (building an index once is faster than keeping it up to date),
    then the data set's stamp table; the rows per table and each secondary index's DDL."""
    indexes = secondary_indexes(metadata)
    with engine.begin() as connection:
        metadata.create_all(connection)
        for index in indexes:
            index.drop(connection)
        rows = load(connection, metadata, batches)
        for index in indexes:
            index.create(connection)
        stamp.create(connection)
        ddl = {index.name: index_ddl(index, connection) for index in indexes}
    return rows, ddl


def load(connection: Connection, metadata: MetaData, batches: Iterable[Batch]) -> dict[str, int]:
    """Write every batch into its table, a whole node in one call; returns the rows written per table."""
    postgres = connection.dialect.name == "postgresql"
    raw = {name: _storage_table(table) for name, table in metadata.tables.items()}
    counts: dict[str, int] = {}
    activities: list[Activity] = []

    def write(batch: Batch) -> None:
        if postgres:
            _copy(connection, metadata.tables[batch.table], batch.rows)
        else:
            connection.execute(insert(raw[batch.table]), batch.rows)
        counts[batch.table] = counts.get(batch.table, 0) + len(batch.rows)

    for batch in batches:
        if not batch.rows:
            continue
        _derive(batch)
        activities.extend(_activities(batch))
        write(batch)
    if activities:
        write(Batch(VolunteerActivity.__tablename__, activity_rows(activities)))
    if postgres:
        _reset_sequences(connection, metadata, counts)
    return counts


def _derive(batch: Batch) -> None:
    if batch.table == "help_requests":
        for row in batch.rows:
            matched = row["matched_at"]
            row["waiting_hours"] = None if matched is None else waiting_hours(row["created_at"], matched)


def _activities(batch: Batch) -> Iterator[Activity]:
    if batch.table == "matches":
        for row in batch.rows:
            if row["status"] in COUNTED_MATCH_STATUSES and row["responded_at"] is not None:
                yield row["volunteer_id"], row["category"], period_of(row["responded_at"].replace(tzinfo=UTC))
    elif batch.table == "time_logs":
        for row in batch.rows:
            if not row["paid"]:
                yield row["member_id"], row["category"], period_of_date(row["worked_on"])


def _storage_table(table: Table) -> Table:
    """The table with each column's storage type, so naive UTC datetimes and whole hundredths go in as they are."""
    columns = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, TypeDecorator):
            kind = kind.impl_instance
        if isinstance(kind, Enum):
            kind = String(kind.length)  # the generator writes the codes themselves
        columns.append(Column(column.name, kind, primary_key=column.primary_key))
    return Table(table.name, MetaData(), *columns)


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    names = [c.name for c in table.columns]
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = connection.connection.driver_connection.cursor()
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])


def _reset_sequences(connection: Connection, metadata: MetaData, counts: dict[str, int]) -> None:
    """COPY with explicit ids leaves the id sequences at 1; move them past the loaded rows."""
    for name in counts:
        table = metadata.tables[name]
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
            )


def secondary_indexes(metadata: MetaData) -> list[Index]:
    """Every index the models declare (primary keys and unique constraints are not among them)."""
    return [index for table in metadata.sorted_tables for index in sorted(table.indexes, key=lambda i: i.name)]


def index_ddl(index: Index, connection: Connection) -> str:
    """The CREATE INDEX statement, to tell whether a stored index still matches the models."""
    return str(CreateIndex(index).compile(dialect=connection.dialect))
