"""The shared backup machinery on its own: every value kept exactly, and an old archive upgraded on restore."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Time,
    Uuid,
    create_engine,
    insert,
    null,
    select,
)
from sqlalchemy.pool import NullPool

from tests.conftest import _database
from wijknet.web.backup import create_backup, open_backup, prune_backups, restore_database, restore_files

ENV_PY = """
from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
"""

FIRST_REVISION = '''
"""Things and their parts."""
import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = None


def upgrade():
    op.create_table(
        "things",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ratio", sa.Float),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("token", sa.Uuid),
        sa.Column("at", sa.Time),
        sa.Column("data", sa.JSON, nullable=True),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("day", sa.Date),
        sa.Column("big", sa.BigInteger),
        sa.Column("body", sa.Text),
    )
    op.create_table(
        "parts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("thing_id", sa.Integer, sa.ForeignKey("things.id"), nullable=False),
    )


def downgrade():
    op.drop_table("parts")
    op.drop_table("things")
'''

SECOND_REVISION = '''
"""A label for every thing."""
import sqlalchemy as sa
from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.add_column("things", sa.Column("label", sa.String(20), nullable=False, server_default="nieuw"))


def downgrade():
    op.drop_column("things", "label")
'''

THINGS = [
    {
        "id": 1,
        "ratio": 0.1,
        "blob": b"\x00\xffbinary",
        "token": uuid.UUID("0b7c1f9e-4a52-4c55-9d1e-2f1f3f9c8a01"),
        "at": time(23, 59, 58, 123456),
        "data": {"slots": ["mon_morning"], "ok": True, "n": 1.5, "é": None},
        "flag": True,
        "created": datetime(2026, 3, 29, 1, 30, 0, 123456),  # the night the clocks go forward: naive UTC is safe
        "day": date(2026, 3, 29),
        "big": 2**53 + 1,  # beyond a double's exact integers
        "body": "regel één\nregel twee\x7f",
    },
    {
        "id": 7,
        "ratio": None,
        "blob": None,
        "token": None,
        "at": None,
        "data": null(),  # SQL NULL, not the JSON text 'null'
        "flag": False,
        "created": datetime(2025, 12, 31, 23, 59, 59),
        "day": None,
        "big": None,
        "body": None,
    },
]


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(ENV_PY)
    (folder / "versions" / "a1_things.py").write_text(FIRST_REVISION)
    (folder / "versions" / "b2_label.py").write_text(SECOND_REVISION)
    return folder


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    with _database(admin) as source, _database(admin) as target:
        yield source, target


def tables_of_first_revision() -> tuple[Table, Table]:
    metadata = MetaData()
    things = Table(
        "things",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("ratio", Float),
        Column("blob", LargeBinary),
        Column("token", Uuid),
        Column("at", Time),
        Column("data", JSON),
        Column("flag", Boolean),
        Column("created", DateTime),
        Column("day", Date),
        Column("big", BigInteger),
        Column("body", Text),
    )
    parts = Table("parts", metadata, Column("id", Integer, primary_key=True), Column("thing_id", Integer))
    return things, parts


def upgrader(migrations: Path, database_url: str) -> Callable[[str], None]:
    """What an app's `upgrade` does: run its migrations up to a revision."""

    def upgrade(revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(migrations))
        engine = create_engine(database_url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            engine.dispose()

    return upgrade


def read_all(database_url: str) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        metadata = MetaData()
        with engine.connect() as connection:
            metadata.reflect(connection)
            return {
                name: [dict(row) for row in connection.execute(select(table).order_by(table.c.id)).mappings()]
                for name, table in metadata.tables.items()
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


def test_an_old_archive_restores_every_value_exactly_and_is_upgraded(
    tmp_path: Path, migrations: Path, two_databases: tuple[str, str]
) -> None:
    source_url, target_url = two_databases
    upgrader(migrations, source_url)("a1")  # the source runs older code: its schema is at the first revision
    things, parts = tables_of_first_revision()
    engine = create_engine(source_url, poolclass=NullPool)
    with engine.begin() as connection:
        for thing in THINGS:
            connection.execute(insert(things).values(**thing))
        connection.execute(insert(parts).values(id=3, thing_id=7))
    engine.dispose()
    before = read_all(source_url)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "app.toml").write_text('secret_key = "x"\n')

    summary = create_backup(source_url, instance, tmp_path / "archive.zip", kind="test")
    assert summary["tables"] == {"things": 2, "parts": 1}
    with open_backup(tmp_path / "archive.zip", kind="test", migrations=migrations) as archive:
        restored = restore_database(archive, target_url, upgrade=upgrader(migrations, target_url))
        restore_files(archive, tmp_path / "restored", target_url)

    assert restored["from_revision"] == "a1"
    assert restored["schema_revision"] == "b2"
    after = read_all(target_url)
    assert [row.pop("label") for row in after["things"]] == ["nieuw", "nieuw"]
    assert after == before
    assert before["things"][0]["big"] == 2**53 + 1 and before["things"][0]["at"] == time(23, 59, 58, 123456)
    engine = create_engine(target_url, poolclass=NullPool)
    with engine.connect() as connection:
        assert connection.scalar(select(things.c.id).where(things.c.data.is_(None))) == 7
    engine.dispose()
    assert (tmp_path / "restored" / "app.toml").read_text() == 'secret_key = "x"\n'


def test_prune_keeps_the_newest_and_every_other_file(tmp_path: Path) -> None:
    names = [
        "wijknet-node-20260101T020000Z.zip",
        "wijknet-node-20260101T020000Z-2.zip",  # two in one second
        "wijknet-node-20260102T020000Z.zip",
        "wijknet-hub-20251231T020000Z.zip",  # another kind
        "before-upgrade.zip",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    deleted = prune_backups(tmp_path, "node", keep=2)
    assert [path.name for path in deleted] == ["wijknet-node-20260101T020000Z.zip"]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names[1:])
