"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select, text

from node.app import MIGRATIONS_DIR, create_app
from node.extensions import db
from tests.node.conftest import TEST_AREAS, TEST_SETTINGS
from wijknet.web.config import write_instance_file


def test_migrations_match_the_models(tmp_path: Path, empty_database_url: str) -> None:
    write_instance_file(tmp_path / "node.toml", TEST_AREAS)
    app = create_app(tmp_path, {**TEST_SETTINGS, "database_url": empty_database_url})
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == [], "models and migrations differ; run `flask db migrate`"

            # And back down: every migration can be undone.
            flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.engine.dispose()


def test_the_needs_columns_are_filled_from_the_rows_already_there(tmp_path: Path, empty_database_url: str) -> None:
    """Categories on matches and hours, waiting hours to the microsecond, volunteers' months, for a node with data."""
    write_instance_file(tmp_path / "node.toml", TEST_AREAS)
    app = create_app(tmp_path, {**TEST_SETTINGS, "database_url": empty_database_url})
    tables = db.metadata.tables
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE_NEEDS_COLUMNS)
            with db.engine.begin() as connection:
                _insert_a_small_node(connection)
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as connection:
                waiting = dict(connection.execute(select(tables["help_requests"].c["id", "waiting_hours"])).all())
                matches = dict(connection.execute(select(tables["matches"].c["id", "category"])).all())
                logs = dict(connection.execute(select(tables["time_logs"].c["id", "category"])).all())
            # 59 minutes 59.2 seconds is no whole hour, three days to the microsecond are 72; not matched: none.
            assert waiting == {1: 0, 2: 72, 3: None}
            assert matches == {1: "garden", 2: "shopping"}
            assert logs == {1: "garden", 2: "practical"}
            with db.engine.connect() as connection:
                activity = connection.execute(select(tables["volunteer_activity"])).all()
            october, november = 1 << 9, 1 << 10
            assert sorted(activity) == [(2, "garden", 2026, october), (2, "practical", 2026, october),
                                        (2, "shopping", 2026, november)]  # fmt: skip

            # And back, with the data still there (SQLite cannot copy `matches` while `time_logs` refers to it).
            flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE_NEEDS_COLUMNS)
            with db.engine.connect() as connection:
                assert connection.scalar(text("SELECT count(*) FROM time_logs")) == 2
        finally:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.engine.dispose()


BEFORE_NEEDS_COLUMNS = "60ac405bcf9a"


def _insert_a_small_node(connection: Connection) -> None:
    """Rows as a node had them before the needs columns, written with only the columns it had."""
    tables = db.metadata.tables
    at = datetime(2026, 10, 5, 10, 0, 0, 900000, tzinfo=UTC)
    connection.execute(insert(tables["members"]), [{"id": i, "joined_on": date(2026, 1, 1)} for i in (1, 2)])
    connection.execute(
        insert(tables["help_requests"]),
        [
            {
                "id": 1,
                "requester_id": 1,
                "category": "garden",
                "created_at": at,
                "matched_at": at + timedelta(seconds=3599.2),
            },
            {
                "id": 2,
                "requester_id": 1,
                "category": "shopping",
                "created_at": at,
                "matched_at": at + timedelta(days=3),
            },
            {"id": 3, "requester_id": 1, "category": "social", "created_at": at, "matched_at": None},
        ],
    )
    accepted = {1: at + timedelta(hours=1), 2: datetime(2026, 10, 31, 23, 30, tzinfo=UTC)}  # 00:30 on 1 November
    connection.execute(
        insert(tables["matches"]),
        [
            {"id": i, "request_id": i, "volunteer_id": 2, "status": "accepted", "proposed_at": at, "responded_at": when}
            for i, when in accepted.items()
        ],
    )
    connection.execute(insert(tables["partners"]).values(id=1, name="Woningcorporatie", kind="housing_corporation"))
    connection.execute(
        insert(tables["assignments"]).values(
            id=1, partner_id=1, title="Trappenhuizen", category="practical", starts_on=date(2026, 1, 1)
        )
    )
    logs = [{"match_id": 1, "assignment_id": None}, {"match_id": None, "assignment_id": 1}]
    connection.execute(
        insert(tables["time_logs"]),
        [
            {"id": i, "member_id": 2, "worked_on": date(2026, 10, 6), "hours_hundredths": Decimal(2), **log}
            for i, log in enumerate(logs, 1)
        ],
    )
