"""`wijknet hub user`, `hub token` and `hub init --admin-email`: accounts from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from federation.hub.app import create_app
from federation.hub.extensions import db
from tests.federation.hub.accounts.people import FAST_PASSWORDS, log_in
from wijknet.cli import main
from wijknet.web.config import read_instance_file, write_instance_file


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def instance(tmp_path: Path, empty_database_url: str) -> Path:
    folder = tmp_path / "hub"
    made = run("hub", "init", "--instance", str(folder), "--database-url", empty_database_url)
    assert made.exit_code == 0, made.output
    write_instance_file(folder / "hub.toml", {**read_instance_file(folder / "hub.toml"), **FAST_PASSWORDS})
    # The accounts' tables come with the hub's next migration; until then, made here as the tests make them.
    app = create_app(folder, {"scheduler": False})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return folder


@pytest.fixture
def served(instance: Path) -> Iterator[Callable[[], FlaskClient]]:
    """A client of the hub as it would be served from the instance folder now."""
    apps: list[Flask] = []

    def client() -> FlaskClient:
        apps.append(create_app(instance, {"scheduler": False, "secure_cookies": False}))
        return apps[-1].test_client()

    yield client
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_hub_user_takes_the_password_from_stdin(instance: Path, served: Callable[[], FlaskClient]) -> None:
    made = run("hub", "user", "--instance", str(instance), "--email", "Anna@Example.org", "--role", "admin",
               "--name", "Anna", stdin="correct horse battery staple\n")  # fmt: skip
    assert made.exit_code == 0, made.output
    answer = last_json(made)
    assert answer["email"] == "anna@example.org" and answer["role"] == "admin" and "password" not in answer
    client = served()
    assert log_in(client, "anna@example.org", "correct horse battery staple").status_code == 302


def test_hub_user_generates_a_password_and_prints_it_once(instance: Path, served: Callable[[], FlaskClient]) -> None:
    made = run("hub", "user", "--instance", str(instance), "--email", "gemeente@utrecht.example",
               "--role", "municipality", "--municipality", "GM0344", stdin="")  # fmt: skip
    assert made.exit_code == 0, made.output
    answer = last_json(made)
    assert answer["municipality"] == "GM0344" and len(answer["password"]) >= 16
    assert log_in(served(), "gemeente@utrecht.example", answer["password"]).status_code == 302


def test_hub_user_explains_bad_input(instance: Path) -> None:
    no_code = run("hub", "user", "--instance", str(instance), "--email", "g@example.org", "--role", "municipality")
    assert no_code.exit_code == 1 and "municipality" in no_code.output and "Traceback" not in no_code.output
    weak = run(
        "hub", "user", "--instance", str(instance), "--email", "a@example.org", "--role", "analyst", stdin="short\n"
    )
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    run("hub", "user", "--instance", str(instance), "--email", "a@example.org", "--role", "analyst", stdin="")
    again = run("hub", "user", "--instance", str(instance), "--email", "a@example.org", "--role", "analyst", stdin="")
    assert again.exit_code == 1 and "already an account" in again.output


def test_hub_token_prints_a_token_that_opens_the_api(instance: Path, served: Callable[[], FlaskClient]) -> None:
    made = run("hub", "token", "--instance", str(instance), "--role", "municipality", "--municipality", "GM0344",
               "--name", "Gemeente Utrecht")  # fmt: skip
    assert made.exit_code == 0, made.output
    raw = last_json(made)["token"]
    assert raw.startswith("wkh_")
    me = served().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json["name"] == "Gemeente Utrecht" and me.json["municipality"] == "GM0344"
    bad = run("hub", "token", "--instance", str(instance), "--role", "analyst", "--municipality", "GM0344")
    assert bad.exit_code == 1


def test_hub_init_makes_the_first_administrator_once(instance: Path, served: Callable[[], FlaskClient]) -> None:
    first = run("hub", "init", "--instance", str(instance), "--admin-email", "beheer@samen030.example")
    assert first.exit_code == 0, first.output
    admin = last_json(first)["admin"]
    assert admin["email"] == "beheer@samen030.example" and admin["role"] == "admin"
    client = served()
    assert log_in(client, "beheer@samen030.example", admin["password"]).status_code == 302
    assert client.get("/registry").status_code == 200
    again = run("hub", "init", "--instance", str(instance), "--admin-email", "beheer@samen030.example")
    assert again.exit_code == 0 and "password" not in last_json(again)["admin"]
    assert log_in(served(), "beheer@samen030.example", admin["password"]).status_code == 302
