"""Bulk loading of generated rows: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL.

The ORM would spend most of its time on identity maps and events; a bulk
load of a million requests only needs the values written in the form the
app's column types write them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Column, Connection, Enum, Index, MetaData, String, Table, insert, text
from sqlalchemy.schema import CreateIndex
from sqlalchemy.types import TypeDecorator

from bench.node_data import Batch


def load(connection: Connection, metadata: MetaData, batches: Iterable[Batch]) -> dict[str, int]:
    """Write every batch into its table; returns the rows written per table."""
    postgres = connection.dialect.name == "postgresql"
    raw = {name: _storage_table(table) for name, table in metadata.tables.items()}
    counts: dict[str, int] = {}
    for batch in batches:
        if not batch.rows:
            continue
        if postgres:
            _copy(connection, metadata.tables[batch.table], batch.rows)
        else:
            connection.execute(insert(raw[batch.table]), batch.rows)
        counts[batch.table] = counts.get(batch.table, 0) + len(batch.rows)
    if postgres:
        _reset_sequences(connection, metadata, counts)
    return counts


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
