"""Backups of an instance: its database and its own files in one portable, verifiable archive.

Shared by the node and the hub: it knows a database URL, an instance folder and
an Alembic migrations directory, nothing of either app. An archive is a zip file:

    manifest.json          format, versions, schema revision, dialect, columns, row counts, a SHA-256 per member
    tables/<table>.jsonl   one JSON object per row; tables in foreign-key order, rows in key order
    instance/<path>        the instance folder's own files (configuration, keys)

The rows are what the database stores (whole hundredths, naive UTC instants,
JSON), read from the database's own tables rather than from today's models: an
archive records the schema of its revision, and a restore builds exactly that
revision with the migrations, loads the rows into it and only then upgrades. So
an old archive restores with new code, and SQLite and PostgreSQL restore each
other's archives.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from wijknet import __version__
from wijknet.web.database import utcnow

FORMAT = "wijknet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BACKUPS_FOLDER = "backups"
VERSION_TABLE = "alembic_version"
BATCH_ROWS = 1000
# Never in an archive: locks, half-written files, the database itself (it is in
# tables/) with SQLite's journals, and the backups folder.
SKIPPED_SUFFIXES = (".lock", ".pid", ".partial")
SQLITE_FILES = ("", "-wal", "-shm", "-journal")
TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

Convert = Callable[[Any], Any]


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why and is safe to show."""


# --- values ----------------------------------------------------------------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _codec(column_type: sqltypes.TypeEngine[Any]) -> tuple[Convert, Convert] | None:
    """How a column's values are written as JSON and read back exactly; None for a type we cannot keep."""
    if isinstance(column_type, sqltypes.JSON | sqltypes.String | sqltypes.Integer | sqltypes.Boolean):
        return _same, _same
    if isinstance(column_type, sqltypes.Float):
        return _same, _same  # JSON writes the shortest text that reads back as the same float
    if isinstance(column_type, sqltypes.Numeric):
        return str, Decimal
    if isinstance(column_type, sqltypes.DateTime):
        return datetime.isoformat, datetime.fromisoformat
    if isinstance(column_type, sqltypes.Date):
        return date.isoformat, date.fromisoformat
    if isinstance(column_type, sqltypes.Time):
        return time.isoformat, time.fromisoformat
    if isinstance(column_type, sqltypes.LargeBinary):
        return (lambda value: base64.b64encode(value).decode("ascii")), base64.b64decode
    if isinstance(column_type, sqltypes.Uuid):
        return str, (uuid.UUID if column_type.as_uuid else str)
    return None


def _codecs(table: Table) -> dict[str, tuple[Convert, Convert]]:
    codecs = {}
    for column in table.columns:
        codec = _codec(column.type)
        if codec is None:
            raise BackupError(f"column {table.name}.{column.name} has type {column.type}, which a backup cannot hold")
        codecs[column.name] = codec
    return codecs


# --- the database ----------------------------------------------------------------------------------------------------


def _engine(database_url: str, *, snapshot: bool) -> Engine:
    """An engine of our own: a read-only snapshot for a backup, plain writing transactions for a restore."""
    if make_url(database_url).get_backend_name() != "sqlite":
        if snapshot:
            # Every table read in one snapshot, and a backup can never change anything.
            return create_engine(
                database_url,
                poolclass=NullPool,
                isolation_level="REPEATABLE READ",
                execution_options={"postgresql_readonly": True},
            )
        return create_engine(database_url, poolclass=NullPool)

    engine = create_engine(database_url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite would not BEGIN before a SELECT; we do, below
        pragmas = ["busy_timeout=30000", "foreign_keys=ON"] + (["query_only=ON"] if snapshot else [])
        for pragma in pragmas:
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        # A backup reads in a deferred transaction on a connection of its own,
        # not the app's BEGIN IMMEDIATE: in WAL mode it sees one snapshot from
        # its first read to its end while the node's writers carry on, where the
        # write lock would stall every writing request for as long as the backup
        # takes. Chosen over the online backup API because that first copies
        # the whole file, and this way both backends share one code path.
        connection.exec_driver_sql("BEGIN" if snapshot else "BEGIN IMMEDIATE")

    return engine


def _reflect(connection: Connection) -> list[Table]:
    """The database's own tables in foreign-key order, without Alembic's version table."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _first_line(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _describe(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)


def _require_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
        raise BackupError(f"there is no database at {url.database}")


# --- writing an archive ----------------------------------------------------------------------------------------------


def _table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def _file_member(path: str) -> str:
    return f"instance/{path}"


def _write_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> dict[str, Any]:
    if not TABLE_NAME.match(table.name):
        raise BackupError(f"table name {table.name!r} cannot be stored in an archive")
    encoders = {name: encode for name, (encode, _) in _codecs(table).items()}
    # PostgreSQL cannot order by a json column; a table without a key is ordered by its other columns.
    order = list(table.primary_key.columns) or [c for c in table.columns if not isinstance(c.type, sqltypes.JSON)]
    rows = size = 0
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(_table_member(table.name), date_time=utcnow().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        result = connection.execution_options(yield_per=BATCH_ROWS).execute(select(table).order_by(*order))
        for row in result.mappings():
            values = {name: None if value is None else encoders[name](value) for name, value in row.items()}
            line = json.dumps(values, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode() + b"\n"
            member.write(line)
            digest.update(line)
            rows += 1
            size += len(line)
    return {"name": table.name, "columns": list(encoders), "rows": rows, "bytes": size, "sha256": digest.hexdigest()}


def _skipper(instance: Path, database_url: str, *others: Path) -> Callable[[PurePosixPath], bool]:
    """Which paths of the instance folder stay out of an archive, and are never written by a restore."""
    skipped = {path.resolve() for path in others}
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        database = Path(url.database).resolve()
        skipped.update(database.with_name(database.name + suffix) for suffix in SQLITE_FILES)

    def skip(relative: PurePosixPath) -> bool:
        return (
            relative.parts[0] == BACKUPS_FOLDER
            or relative.suffix in SKIPPED_SUFFIXES
            or instance.joinpath(*relative.parts) in skipped
        )

    return skip


def _instance_files(instance: Path, skip: Callable[[PurePosixPath], bool]) -> Iterator[tuple[PurePosixPath, Path]]:
    """Every regular file of the instance folder (symbolic links are not followed) that belongs in an archive."""
    for folder, subfolders, names in os.walk(instance):
        base = Path(folder)
        subfolders.sort()
        for name in sorted(names):
            path = base / name
            relative = PurePosixPath(path.relative_to(instance).as_posix())
            if stat.S_ISREG(path.lstat().st_mode) and not skip(relative):
                yield relative, path


def _write_file(archive: zipfile.ZipFile, relative: PurePosixPath, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    archive.writestr(_file_member(str(relative)), data)
    mode = stat.S_IMODE(path.stat().st_mode)
    return {"path": str(relative), "mode": mode, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _write_members(
    engine: Engine, archive: zipfile.ZipFile, instance: Path, skip: Callable[[PurePosixPath], bool], kind: str
) -> dict[str, Any]:
    with engine.connect() as connection, connection.begin():
        revision = _revision(connection)
        if revision is None:
            raise BackupError("the database has no schema revision: it was never set up")
        tables = [_write_table(connection, table, archive) for table in _reflect(connection)]
        dialect = connection.dialect.name
    files = [_write_file(archive, relative, path) for relative, path in _instance_files(instance, skip)]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "created_at": utcnow().isoformat(),
        "wijknet_version": __version__,
        "schema_revision": revision,
        "dialect": dialect,
        "tables": tables,
        "files": files,
    }


def default_destination(instance: Path, kind: str) -> Path:
    """`INSTANCE/backups/wijknet-KIND-<UTC time>.zip`, a name not yet taken."""
    stem = f"wijknet-{kind}-{utcnow():%Y%m%dT%H%M%SZ}"
    candidate = instance / BACKUPS_FOLDER / f"{stem}.zip"
    number = 2
    while candidate.exists():
        candidate = candidate.with_name(f"{stem}-{number}.zip")
        number += 1
    return candidate


def create_backup(database_url: str, instance: Path, destination: Path, *, kind: str) -> dict[str, Any]:
    """Archive the database (read in one snapshot) and the instance folder's files to `destination`, mode 0600."""
    instance, destination = instance.resolve(), destination.resolve()
    if destination.exists():
        raise BackupError(f"{destination} already exists")
    _require_database(database_url)
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partial")
    skip = _skipper(instance, database_url, destination)
    engine = _engine(database_url, snapshot=True)
    try:
        # Created 0600 from the start: the archive holds personal data and the instance's secrets.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                manifest = _write_members(engine, archive, instance, skip, kind)
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, destination)
    except SQLAlchemyError as exc:
        raise BackupError(f"reading {_describe(database_url)} failed: {_first_line(exc)}") from None
    finally:
        engine.dispose()
        partial.unlink(missing_ok=True)
    return {
        "backup": str(destination),
        "tables": {table["name"]: table["rows"] for table in manifest["tables"]},
        "files": [file["path"] for file in manifest["files"]],
        "schema_revision": manifest["schema_revision"],
        "bytes": destination.stat().st_size,
    }


def prune_backups(folder: Path, kind: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives named by `default_destination`; other files are left alone."""
    pattern = re.compile(rf"wijknet-{re.escape(kind)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.zip\Z")
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            found.append(((match[1], int(match[2] or 1)), path))
    doomed = [path for _, path in sorted(found)[: max(len(found) - keep, 0)]]
    for path in doomed:
        path.unlink()
    return doomed


# --- reading an archive ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """An archive that was verified completely, open for reading."""

    path: Path
    manifest: dict[str, Any]
    zip: zipfile.ZipFile

    @property
    def revision(self) -> str:
        return self.manifest["schema_revision"]

    @property
    def tables(self) -> list[dict[str, Any]]:
        return self.manifest["tables"]

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.manifest["files"]

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        with self.zip.open(_table_member(table)) as member:
            for line in member:
                yield json.loads(line)

    def file(self, path: str) -> bytes:
        return self.zip.read(_file_member(path))


def _entries(manifest: dict[str, Any], key: str, fields: dict[str, type]) -> list[dict[str, Any]]:
    entries = manifest.get(key)
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and all(isinstance(entry.get(f), t) for f, t in fields.items()) for entry in entries
    ):
        raise BackupError(f"damaged: the manifest's {key!r} cannot be read")
    return entries


def _is_safe_path(value: str) -> bool:
    """A plain relative path inside the instance folder: nothing absolute, no `..`, no tricks."""
    path = PurePosixPath(value)
    return (
        str(path) == value
        and not path.is_absolute()
        and all(part not in ("", ".", "..") for part in path.parts)
        and "\\" not in value
        and "\x00" not in value
    )


def _check_member(archive: zipfile.ZipFile, name: str, entry: dict[str, Any], *, json_lines: bool) -> None:
    digest = hashlib.sha256()
    size = rows = 0
    bad_line = None
    with archive.open(name) as member:
        for line in member:
            digest.update(line)
            size += len(line)
            if json_lines:
                rows += 1
                try:
                    is_row = isinstance(json.loads(line), dict)
                except ValueError:
                    is_row = False
                bad_line = bad_line or (None if is_row else rows)
    if size != entry["bytes"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"damaged: {name} does not match its checksum")
    if bad_line or (json_lines and rows != entry["rows"]):
        raise BackupError(f"damaged: {name} does not hold the rows its manifest lists")


def _verify(archive: zipfile.ZipFile, kind: str, migrations: Path) -> dict[str, Any]:
    names = archive.namelist()
    if MANIFEST not in names:
        raise BackupError("not a wijknet backup (it holds no manifest.json)")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except ValueError:
        raise BackupError("damaged: its manifest.json is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a wijknet backup (unknown format)")
    made_by = manifest.get("wijknet_version", "unknown")
    format_version = manifest.get("format_version")
    if not isinstance(format_version, int) or format_version > FORMAT_VERSION:
        raise BackupError(
            f"made by a newer wijknet ({made_by}) in a format this one ({__version__}) cannot read; upgrade wijknet"
        )
    if manifest.get("kind") != kind:
        raise BackupError(f"a backup of a {manifest.get('kind')}, not of a {kind}")
    revision = manifest.get("schema_revision")
    if revision not in {script.revision for script in ScriptDirectory(str(migrations)).walk_revisions()}:
        raise BackupError(
            f"made by a newer wijknet ({made_by}): its schema revision {revision} is unknown to this one "
            f"({__version__}); upgrade wijknet, then restore"
        )
    tables = _entries(manifest, "tables", {"name": str, "columns": list, "rows": int, "bytes": int, "sha256": str})
    files = _entries(manifest, "files", {"path": str, "mode": int, "bytes": int, "sha256": str})
    if not all(TABLE_NAME.match(t["name"]) for t in tables) or not all(_is_safe_path(f["path"]) for f in files):
        raise BackupError("damaged: the manifest names a table or file that cannot be right")
    expected = [MANIFEST] + [_table_member(t["name"]) for t in tables] + [_file_member(f["path"]) for f in files]
    if sorted(names) != sorted(expected) or len(set(names)) != len(names):
        raise BackupError("damaged: its members are not the ones its manifest lists")
    for table in tables:
        _check_member(archive, _table_member(table["name"]), table, json_lines=True)
    for file in files:
        _check_member(archive, _file_member(file["path"]), file, json_lines=False)
    return manifest


@contextmanager
def open_backup(path: Path, *, kind: str, migrations: Path) -> Iterator[Archive]:
    """Open an archive and verify all of it (format, revision, every checksum) before anything is changed."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path}: not a backup archive, or a damaged one ({exc})") from None
    with archive:
        try:
            manifest = _verify(archive, kind, migrations)
        except BackupError as exc:
            raise BackupError(f"{path}: {exc}") from None
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise BackupError(f"{path}: damaged ({exc})") from None
        yield Archive(path, manifest, archive)


# --- restoring -------------------------------------------------------------------------------------------------------


def _clear(engine: Engine, *, force: bool) -> None:
    """Drop every table of a database without rows, or with `force` of any database; refuse one that holds data."""
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        holding = [
            table.name
            for table in metadata.sorted_tables
            if table.name != VERSION_TABLE and connection.execute(select(table).limit(1)).first() is not None
        ]
        if holding and not force:
            raise BackupError(
                f"{_describe(str(engine.url))} already holds data (in {', '.join(holding)}); "
                "restore with --force to replace all of it"
            )
        metadata.drop_all(connection)


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move PostgreSQL's id sequences past the restored ids: inserting explicit ids does not advance them."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": preparer.format_table(table), "column": column.name},
            )
            if sequence:
                highest = f"SELECT COALESCE(MAX({preparer.quote(column.name)}), 0) FROM {preparer.format_table(table)}"
                connection.execute(
                    text(f"SELECT setval(CAST(:sequence AS regclass), ({highest}) + 1, false)"), {"sequence": sequence}
                )


def _load_table(connection: Connection, table: Table, archive: Archive, entry: dict[str, Any]) -> None:
    unknown = set(entry["columns"]) - set(table.columns.keys())
    if unknown:
        raise BackupError(
            f"table {table.name} has no column {', '.join(sorted(unknown))} at revision {archive.revision}"
        )
    for column in table.columns:
        if isinstance(column.type, sqltypes.JSON) and column.nullable:
            # An SQL NULL stays NULL (a JSON column writes None as the JSON text 'null' by default).
            column.type = type(column.type)(none_as_null=True)
    decoders = {name: decode for name, (_, decode) in _codecs(table).items()}
    batch = []
    for number, row in enumerate(archive.rows(table.name), 1):
        try:
            batch.append({name: None if value is None else decoders[name](value) for name, value in row.items()})
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"{_table_member(table.name)}, line {number}: a value does not fit its column") from None
        if len(batch) == BATCH_ROWS:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def _load(connection: Connection, archive: Archive) -> None:
    tables = {table.name: table for table in _reflect(connection)}
    for table in reversed(tables.values()):
        connection.execute(table.delete())  # rows a migration seeded: the archive holds the whole state
    for entry in archive.tables:
        table = tables.get(entry["name"])
        if table is None:
            raise BackupError(f"table {entry['name']} does not exist at schema revision {archive.revision}")
        _load_table(connection, table, archive, entry)
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, list(tables.values()))


def restore_database(
    archive: Archive, database_url: str, *, upgrade: Callable[[str], None], force: bool = False
) -> dict[str, Any]:
    """Replace a database without data (with `force`, any database) by the archive's, then upgrade it.

    `upgrade(revision)` runs the app's migrations up to a revision ("head" for the newest).
    The rows are loaded in one transaction: if that fails, the database is left with an empty schema.
    """
    engine = _engine(database_url, snapshot=False)
    try:
        _clear(engine, force=force)
        upgrade(archive.revision)
        with engine.begin() as connection:
            _load(connection, archive)
        upgrade("head")
        with engine.connect() as connection:
            revision = _revision(connection)
    except SQLAlchemyError as exc:
        raise BackupError(f"restoring into {_describe(database_url)} failed: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    return {
        "tables": {table["name"]: table["rows"] for table in archive.tables},
        "from_revision": archive.revision,
        "schema_revision": revision,
    }


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Replace `path` by `data` at once: a reader sees the old file or the new one, never half of it."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(partial, mode)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore_files(archive: Archive, instance: Path, database_url: str) -> list[str]:
    """Write the archive's instance files, with their modes, into `instance`; files it does not hold stay."""
    instance = instance.resolve()
    skip = _skipper(instance, database_url)
    written = []
    for entry in archive.files:
        relative = PurePosixPath(entry["path"])
        if skip(relative):
            continue  # only a hand-made archive holds these: never overwrite the database just restored
        target = instance.joinpath(*relative.parts)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(target, archive.file(entry["path"]), entry["mode"] & 0o777)
        written.append(entry["path"])
    return written
