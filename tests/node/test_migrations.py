"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
