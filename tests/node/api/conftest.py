"""Fixtures and checks shared by the REST API tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, literal, select, text, union_all
from werkzeug.test import TestResponse

from node.app import create_app
from node.extensions import db
from tests.node.conftest import TEST_AREAS, TEST_SETTINGS
from tests.node.factories import Factory
from wijknet.web.config import write_instance_file

PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery staple"


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    # Runs after the app's own pragmas; durability across power cuts is not what these tests are about.
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app and database for a whole module, for tables of many small cases that each make their own objects."""
    folder = tmp_path_factory.mktemp("shared")
    instance = folder / "instance"
    instance.mkdir()
    write_instance_file(instance / "node.toml", TEST_AREAS)
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'node.sqlite3'}"
    else:
        # Hundreds of small commits: not waiting for the disk on each keeps the table fast.
        url = request.getfixturevalue("postgres_server") + "?options=-c%20synchronous_commit%3Doff"
    application = create_app(instance, {**TEST_SETTINGS, "database_url": url})
    with application.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _no_fsync)
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture(scope="module")
def shared_client(shared_app: Flask) -> FlaskClient:
    return shared_app.test_client()


@pytest.fixture(scope="module")
def shared_make(shared_app: Flask) -> Factory:
    return Factory(shared_app)


def assert_problem(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The answer is an RFC 9457 problem document with this status (and code); returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == f"urn:wijknet:problem:{body['code']}"
    if code is not None:
        assert body["code"] == code
    return body


def error_fields(problem: dict[str, Any]) -> set[str]:
    """The fields named in a validation problem's `errors`."""
    return {e["field"] for e in problem.get("errors", [])}


def row_counts(app: Flask) -> dict[str, int]:
    """The number of rows in every table of the node, in one query."""
    counts = union_all(
        *(
            select(literal(t.name).label("name"), func.count().label("rows")).select_from(t)
            for t in db.metadata.sorted_tables
        )
    )
    with app.app_context():
        return {name: rows for name, rows in db.session.execute(counts)}


def update_row(app: Flask, model: type[Any], row_id: Any, **values: Any) -> None:
    """Set columns of one row directly (to place it in the past), and commit."""
    with app.app_context():
        row = db.session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
