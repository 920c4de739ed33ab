"""`wijknet hub ...` as an operator uses it: init, invite, suspend, reinstate, revoke-key, nodes, figures, reports."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask_migrate import downgrade
from sqlalchemy import inspect, text
from werkzeug.serving import make_server

from federation.hub.app import MIGRATIONS_DIR, create_app
from federation.protocol.keys import load_signing_key
from tests.federation.hub.conftest import FakeNode
from wijknet.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def instance(tmp_path: Path, empty_database_url: str) -> Path:
    folder = tmp_path / "hub"
    result = run("hub", "init", "--instance", str(folder), "--database-url", empty_database_url, "--hub-id", "samen030")
    assert result.exit_code == 0, result.output
    return folder


def test_init_makes_a_private_instance_with_a_signing_key(instance: Path) -> None:
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    key_file = instance / "hub_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    kid = load_signing_key(key_file).kid
    again = run("hub", "init", "--instance", str(instance))
    assert again.exit_code == 0
    assert last_json(again)["kid"] == kid and last_json(again)["created"] is False  # the key is never replaced


def test_invite_prints_a_token_once_and_explains_bad_input(instance: Path) -> None:
    made = run("hub", "invite", "--instance", str(instance), "--node-id", "zuilen", "--name", "Zuilen",
               "--municipality", "GM0344", "--area", "WK034402")  # fmt: skip
    assert made.exit_code == 0
    answer = last_json(made)
    assert len(answer["token"]) >= 22 and answer["expires_at"].endswith("Z")
    bad = run("hub", "invite", "--instance", str(instance), "--node-id", "Zuilen!", "--name", "Z",
              "--municipality", "GM0344", "--area", "WK035502")  # fmt: skip
    assert bad.exit_code == 1
    assert "node_id" in bad.output and "WK035502 does not lie in GM0344" in bad.output
    assert "Traceback" not in bad.output


def test_a_node_lifecycle_from_the_command_line(instance: Path, tmp_path: Path) -> None:
    token = last_json(run("hub", "invite", "--instance", str(instance), "--node-id", "zuilen", "--name", "Zuilen",
                          "--municipality", "GM0344", "--area", "WK034402"))["token"]  # fmt: skip
    app = create_app(instance, {"scheduler": False, "secure_cookies": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        node = FakeNode(f"http://127.0.0.1:{server.server_port}", "zuilen")
        assert node.enroll(token).status_code == 201
        assert node.send_report(node.report_payload()).status_code == 201
        listed = last_json(run("hub", "nodes", "--instance", str(instance)))["nodes"]
        assert listed[0]["node_id"] == "zuilen" and listed[0]["keys"][0]["kid"] == node.key.kid
        figures = last_json(run("hub", "figures", "--instance", str(instance), "--node-id", "zuilen"))["figures"]
        assert {(f["category"], f["metric"], f["value"]) for f in figures} >= {("shopping", "requests_new", 12)}
        assert (
            last_json(run("hub", "suspend", "--instance", str(instance), "--node-id", "zuilen"))["status"]
            == "suspended"
        )
        assert node.send_report(node.report_payload(revision=2)).json()["code"] == "node_suspended"
        assert run("hub", "suspend", "--instance", str(instance), "--node-id", "zuilen").exit_code == 1  # already
        run("hub", "reinstate", "--instance", str(instance), "--node-id", "zuilen")
        assert node.send_report(node.report_payload(revision=2)).status_code == 201
        revoked = run("hub", "revoke-key", "--instance", str(instance), "--kid", node.key.kid)
        assert last_json(revoked)["status"] == "revoked"
        assert "--node-id zuilen-2 --replaces zuilen" in revoked.output  # what to do next
        assert node.send_report(node.report_payload(revision=3)).json()["code"] == "key_revoked"
        reports = last_json(run("hub", "reports", "--instance", str(instance), "--node-id", "zuilen"))["reports"]
        assert [(r["revision"], r["current"], r["key_revoked"]) for r in reports] == [(1, False, True), (2, True, True)]
        assert run("hub", "revoke-key", "--instance", str(instance), "--kid", "nope").exit_code == 1

        # A node id enrols once: the node comes back under a new one that takes over its areas.
        same = run("hub", "invite", "--instance", str(instance), "--node-id", "zuilen", "--name", "Zuilen",
                   "--municipality", "GM0344", "--area", "WK034402")  # fmt: skip
        assert same.exit_code == 1 and "--node-id zuilen-2 --replaces zuilen" in same.output
        again = run("hub", "invite", "--instance", str(instance), "--node-id", "zuilen-2", "--replaces", "zuilen")
        assert again.exit_code == 0 and "wijknet node enroll --again" in again.output
        back = FakeNode(node.hub_url, "zuilen-2")
        assert back.enroll(last_json(again)["token"]).status_code == 201
        assert back.send_report(back.report_payload()).status_code == 201
        listed = {n["node_id"]: n for n in last_json(run("hub", "nodes", "--instance", str(instance)))["nodes"]}
        assert listed["zuilen"]["status"] == "suspended" and listed["zuilen-2"]["areas"] == ["WK034402"]
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            from federation.hub.extensions import db

            db.engine.dispose()


def test_commands_refuse_a_folder_that_is_not_a_hub(tmp_path: Path) -> None:
    result = run("hub", "nodes", "--instance", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "wijknet hub init" in result.output


def test_discovery_of_an_initialised_hub(instance: Path) -> None:
    app = create_app(instance, {"scheduler": False})
    document = app.test_client().get("/.well-known/wijknet").json
    assert document["hub_id"] == "samen030" and document["protocol"] == "wijknet-federation/1"
    with app.app_context():
        from federation.hub.extensions import db

        db.engine.dispose()


BEFORE_LZ4 = "9b05aa8df6ff"


def test_stored_reports_are_compressed_with_lz4_where_postgresql_has_it(instance: Path) -> None:
    from federation.hub.extensions import db

    app = create_app(instance, {"scheduler": False})
    compression = text(
        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'reports'::regclass AND attname = 'jws'"
    )
    lz4 = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    with app.app_context():
        try:
            if db.engine.dialect.name != "postgresql":
                assert inspect(db.engine).has_table("reports")  # SQLite compresses nothing: the migration passes by
                return
            with db.engine.connect() as connection:
                expected = "l" if connection.scalar(lz4) else ""
                assert connection.scalar(compression) == expected
            downgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE_LZ4)
            with db.engine.connect() as connection:
                assert connection.scalar(compression) == ""  # the server's default again
        finally:
            db.engine.dispose()
