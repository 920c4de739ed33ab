"""Benchmark databases: built once per data set, reused while the generator's parameters stay the same.

A built database carries a stamp (the data set's key, how long the build took
and the CREATE INDEX statements it has), so a rerun skips the build, and a
change to the models' indexes is applied to the loaded data instead of
loading it again. A column the models gained cannot be added that way (its
values come from the generator): a database that lacks one is built again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from bench.loading import build_tables, index_ddl, secondary_indexes
from bench.node_data import NodeDataSpec, generate

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL_VARIABLE = "WIJKNET_BENCH_POSTGRES_URL"
BENCH_DATABASE = "wijknet_bench"

STAMP = Table(
    "bench_dataset",
    MetaData(),
    Column("key", String(40), primary_key=True),
    Column("row_counts", Text, nullable=False),  # JSON: table -> rows
    Column("build_seconds", Float, nullable=False),
    Column("built_at", String(40), nullable=False),
    Column("indexes", Text, nullable=False),  # JSON: index name -> CREATE INDEX statement
)


@dataclass
class Dataset:
    url: str
    dialect: str
    spec: NodeDataSpec
    build_seconds: float
    built_at: str
    rebuilt: bool  # False: reused from an earlier run
    rows: dict[str, int]
    size_bytes: int


def postgres_server_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)


def postgres_bench_url(server_url: str) -> str | None:
    """The URL of the benchmark's own database on that server, created if need be; None when it does not answer."""
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DATABASE})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    except Exception:
        return None
    finally:
        admin.dispose()
    return url.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def postgres_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SHOW server_version"))).split()[0]
    finally:
        engine.dispose()


def sqlite_dataset(results_dir: Path, name: str, spec: NodeDataSpec, metadata: MetaData) -> Dataset:
    """The cached SQLite file for this data set, built when missing."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}-{spec.key()}.sqlite3"
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    event.listen(engine, "connect", _fast_sqlite_build)
    try:
        stamp = _read_stamp(engine)
        if stamp is None or stamp["key"] != spec.key() or _lacks_columns(engine, metadata):
            engine.dispose()
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()  # a build that did not finish
            return _build(engine, url, spec, metadata, size=lambda: path.stat().st_size)
        return _reuse(engine, url, spec, metadata, stamp, size=lambda: path.stat().st_size)
    finally:
        engine.dispose()


def postgres_dataset(url: str, spec: NodeDataSpec, metadata: MetaData) -> Dataset:
    """The benchmark database on PostgreSQL, loaded anew unless it already holds this data set."""
    engine = create_engine(url)

    def size() -> int:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))

    try:
        stamp = _read_stamp(engine)
        if stamp is None or stamp["key"] != spec.key() or _lacks_columns(engine, metadata):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            return _build(engine, url, spec, metadata, size=size)
        return _reuse(engine, url, spec, metadata, stamp, size=size)
    finally:
        engine.dispose()


def _fast_sqlite_build(dbapi_connection: Any, _record: Any) -> None:
    # Only while building a throwaway file: an interrupted build is deleted, never used.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-524288")  # 512 MiB for sorting the index builds
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _read_stamp(engine: Engine) -> dict[str, Any] | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(STAMP.name):
            return None
        row = connection.execute(select(STAMP)).mappings().first()
        return dict(row) if row else None


def _lacks_columns(engine: Engine, metadata: MetaData) -> bool:
    """Whether a stored table lacks a column the models have (built by an older version of the generator)."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        stored = set(inspector.get_table_names())
        return any(
            {c.name for c in table.columns} - {c["name"] for c in inspector.get_columns(table.name)}
            for table in metadata.sorted_tables
            if table.name in stored
        )


def _build(engine: Engine, url: str, spec: NodeDataSpec, metadata: MetaData, size: Callable[[], int]) -> Dataset:
    """Tables, then the rows, then the indexes: building an index once is faster than keeping it up to date."""
    started = time.perf_counter()
    rows, ddl = build_tables(engine, metadata, generate(spec), STAMP)
    _analyze(engine)
    seconds = time.perf_counter() - started
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    with engine.begin() as connection:
        connection.execute(
            STAMP.insert().values(
                key=spec.key(),
                row_counts=json.dumps(rows),
                build_seconds=seconds,
                built_at=built_at,
                indexes=json.dumps(ddl),
            )
        )
    return Dataset(url, engine.dialect.name, spec, seconds, built_at, True, rows, size())


def _reuse(
    engine: Engine, url: str, spec: NodeDataSpec, metadata: MetaData, stamp: dict[str, Any], size: Callable[[], int]
) -> Dataset:
    """The loaded data, with tables the models gained since created and the indexes brought in line."""
    stored: dict[str, str] = json.loads(stamp["indexes"])
    wanted = secondary_indexes(metadata)
    with engine.begin() as connection:
        metadata.create_all(connection)
        ddl = {index.name: index_ddl(index, connection) for index in wanted}
        changed = False
        for name in stored.keys() - ddl.keys():
            connection.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            changed = True
        for index in wanted:
            if stored.get(index.name) != ddl[index.name]:
                connection.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
                index.create(connection)
                changed = True
        connection.execute(STAMP.update().values(indexes=json.dumps(ddl)))
    if changed:
        _analyze(engine)
    rows = json.loads(stamp["row_counts"])
    return Dataset(url, engine.dialect.name, spec, stamp["build_seconds"], stamp["built_at"], False, rows, size())


def _analyze(engine: Engine) -> None:
    """Statistics on PostgreSQL, as autovacuum would gather them; SQLite is left as a node leaves it (no ANALYZE)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
