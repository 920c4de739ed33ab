"""Shared fixtures: databases (SQLite always, PostgreSQL where it answers), apps and clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_base_url() -> str:
    return os.environ.get("WIJKNET_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _postgres_required() -> bool:
    return os.environ.get("WIJKNET_TEST_REQUIRE_POSTGRES", "") not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """A connection to the PostgreSQL server that creates and drops the tests' databases.

    On a machine without PostgreSQL the tests that need it are skipped (CI
    sets WIJKNET_TEST_REQUIRE_POSTGRES so that there they fail instead).
    """
    base = make_url(_postgres_base_url().replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        message = (
            f"PostgreSQL not reachable at {_postgres_base_url()} ({type(exc).__name__}); set WIJKNET_TEST_POSTGRES_URL"
        )
        if _postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    yield admin
    admin.dispose()


@contextmanager
def _database(admin: Engine) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    name = f"wijknet_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server(postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL database shared by this test session's app tests (emptied after each test)."""
    with _database(postgres_admin) as url:
        yield url


@pytest.fixture(scope="session")
def hub_postgres_server(postgres_admin: Engine) -> Iterator[str]:
    """The hub tests' own shared database: the hub's tables never meet the node's."""
    with _database(postgres_admin) as url:
        yield url


@pytest.fixture
def fresh_postgres_database(postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL database of this test's own, for tests that build the schema themselves (migrations)."""
    with _database(postgres_admin) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'node.sqlite3'}"
    return request.getfixturevalue("postgres_server")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all, for tests that run the migrations themselves."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_database")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Say in the test id which database a test ran on."""
    for item in items:
        if "postgresql" in item.nodeid:
            item.add_marker(pytest.mark.postgres)
