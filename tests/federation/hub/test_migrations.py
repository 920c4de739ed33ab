"""The hub's migrations build exactly the schema its models describe, on both databases, and keep the data."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, select, text

from federation.hub.app import MIGRATIONS_DIR, create_app
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, FigureTotal, ReportHead
from federation.hub.figures.projection import project_pending
from federation.protocol.codelists import ALL_CATEGORIES
from federation.protocol.keys import SigningKey
from tests.federation.hub.conftest import HUB_SETTINGS
from tests.federation.hub.dashboards.conftest import HubData, fig

# The revision before the accounts, reference areas and figure totals: a hub that holds figures already.
BEFORE_TOTALS = "46e12b57e148"


def _app(tmp_path: Path, database_url: str) -> Flask:
    instance = tmp_path / "hub"
    instance.mkdir(exist_ok=True)
    return create_app(instance, {**HUB_SETTINGS, "database_url": database_url}, signing_key=SigningKey.generate())


def _drop_everything() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.engine.dispose()


def test_migrations_match_the_models(tmp_path: Path, empty_database_url: str) -> None:
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == [], "models and migrations differ; run `flask db migrate`"

            flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            _drop_everything()


def test_a_hub_with_figures_gets_its_totals_after_the_upgrade(tmp_path: Path, empty_database_url: str) -> None:
    """The figures projected before the totals existed are projected once more, and the totals built from them."""
    app = _app(tmp_path, empty_database_url)
    hub = HubData(app)
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE_TOTALS)
            hub.node("noord", ("WK034401",))
            hub.report("noord", "2026-10", [fig("WK034401", "requests_new", 12)])
            with db.engine.begin() as connection:  # as the projection of that revision left it
                connection.execute(
                    text(
                        "INSERT INTO figures (node_id, period, area, category, metric, value, suppressed, revision) "
                        "VALUES ('noord', '2026-10', 'WK034401', :all, 'requests_new', 12, false, 1)"
                    ),
                    {"all": ALL_CATEGORIES},
                )
                connection.execute(text("UPDATE report_heads SET projected_pk = report_pk"))

            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            assert db.session.scalar(select(ReportHead.projected_pk)) is None
            project_pending()
            db.session.commit()
            figures = db.session.scalars(select(Figure)).all()
            totals = db.session.scalars(select(FigureTotal).where(FigureTotal.category == ALL_CATEGORIES)).all()
            assert [(f.area, f.metric, f.value) for f in figures] == [("WK034401", "requests_new", 12)]
            assert {(t.area, t.metric, t.value_millionths) for t in totals} == {
                ("WK034401", "requests_new", 12_000_000),
                ("GM0344", "requests_new", 12_000_000),
            }
        finally:
            _drop_everything()
