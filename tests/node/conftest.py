"""Fixtures for the node: an app per test on SQLite and on PostgreSQL, clients and factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from node.app import create_app
from node.extensions import db
from tests.node.factories import Factory
from wijknet.web.config import write_instance_file

TEST_AREAS = {
    "name": "Buurtcoöperatie Testwijk",
    "municipality": "GM0344",
    "wijk": "WK034402",
    "buurten": {"BU03440201": "Noord (test)", "BU03440202": "Oost (test)", "BU03440203": "West (test)"},
}

# Fast hashing in tests; production uses the configured Argon2id cost.
TEST_SETTINGS = {
    "testing": True,
    "scheduler": False,
    "secure_cookies": False,
    "password_time_cost": 1,
    "password_memory_kib": 64,
}


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    instance.mkdir()
    write_instance_file(instance / "node.toml", TEST_AREAS)
    application = create_app(instance, {**TEST_SETTINGS, "database_url": database_url})
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # One database per session: empty it for the next test.
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make(app: Flask) -> Factory:
    """Factories for members, requests, matches ...; each commits what it makes."""
    return Factory(app)
