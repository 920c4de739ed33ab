"""`wijknet node init | user | token | retention` as an operator uses them."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from node.app import create_app
from node.extensions import db
from node.help.models import HelpRequest
from wijknet.cli import main
from wijknet.web.config import read_instance_file

FAST_HASHING = {"WIJKNET_PASSWORD_TIME_COST": "1", "WIJKNET_PASSWORD_MEMORY_KIB": "64"}


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, env=FAST_HASHING, catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def instance(tmp_path: Path, empty_database_url: str) -> Path:
    folder = tmp_path / "node"
    result = run(
        "node", "init", "--instance", str(folder), "--name", "Buurtcoöperatie Test",
        "--database-url", empty_database_url, "--municipality", "GM0344", "--wijk", "WK034402",
        "--buurt", "BU03440201=Buurt A (voorbeeld)",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


def test_init_creates_a_private_instance(instance: Path) -> None:
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    config_file = instance / "node.toml"
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    config = read_instance_file(config_file)
    assert len(config["secret_key"]) >= 40
    assert config["buurten"] == {"BU03440201": "Buurt A (voorbeeld)"}


def test_init_again_only_upgrades_and_keeps_the_secret(instance: Path) -> None:
    secret = read_instance_file(instance / "node.toml")["secret_key"]
    result = run("node", "init", "--instance", str(instance))
    assert result.exit_code == 0, result.output
    summary = last_json(result)
    assert summary["created"] is False
    assert summary["schema_revision"]
    assert read_instance_file(instance / "node.toml")["secret_key"] == secret


def test_init_refuses_a_buurt_outside_the_wijk(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["node", "init", "--instance", str(tmp_path / "x"), "--wijk", "WK034402", "--buurt", "BU03630001=Elders"],
    )
    assert result.exit_code != 0
    assert "does not lie in wijk WK034402" in result.output
    assert "Traceback" not in result.output


def test_commands_on_a_missing_instance_say_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["node", "token", "--instance", str(tmp_path / "nope"), "--role", "admin"])
    assert result.exit_code != 0
    assert "run `wijknet node init` first" in result.output


def test_user_with_generated_password_prints_it_once(instance: Path) -> None:
    result = run("node", "user", "--instance", str(instance), "--email", "Beheer@Example.org", "--role", "admin")
    assert result.exit_code == 0, result.output
    output = last_json(result)
    assert output["email"] == "beheer@example.org"
    assert len(output["password"]) >= 16
    app = create_app(instance, {"scheduler": False})
    with app.app_context():
        from node.accounts.services import LoginOutcome, login

        assert login("beheer@example.org", output["password"], "cli-test").outcome == LoginOutcome.OK
        db.session.rollback()
        db.engine.dispose()


def test_user_password_from_stdin_is_not_printed(instance: Path) -> None:
    result = run(
        "node", "user", "--instance", str(instance), "--email", "co@example.org", "--role", "coordinator",
        stdin="een lang wachtwoord\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "password" not in last_json(result)
    assert "een lang wachtwoord" not in result.output


def test_token_works_on_the_api(instance: Path) -> None:
    result = run("node", "token", "--instance", str(instance), "--role", "admin", "--name", "rapportage")
    assert result.exit_code == 0, result.output
    token = last_json(result)["token"]
    assert token.startswith("wkn_")
    app = create_app(instance, {"scheduler": False})
    response = app.test_client().get("/api/v1/settings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_volunteer_token_needs_a_member(instance: Path) -> None:
    result = CliRunner().invoke(main, ["node", "token", "--instance", str(instance), "--role", "volunteer"])
    assert result.exit_code != 0
    assert "belongs to a member" in result.output


def test_retention_reports_what_it_cleared(instance: Path) -> None:
    result = run("node", "retention", "--instance", str(instance))
    assert result.exit_code == 0, result.output
    output = last_json(result)
    assert output["requests_cleared"] == 0
    app = create_app(instance, {"scheduler": False})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(HelpRequest)) == 0
        db.session.remove()  # hand the connection back first: dispose() leaves checked-out ones open
        db.engine.dispose()
