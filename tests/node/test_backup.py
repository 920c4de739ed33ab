"""`wijknet node backup` and `restore`: consistent while the node writes, portable, verified, private."""

from __future__ import annotations

import hashlib
import json
import stat
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import Engine, select

from node.app import create_app
from node.extensions import db
from node.privacy.services import erase_member
from node.settings.services import update_settings
from node.work.assignments import add_invoice, update_assignment
from schemas.node.codes import AssignmentStatus, MatchStatus, Role
from tests.conftest import _database
from tests.node.conftest import TEST_AREAS
from tests.node.factories import SYSTEM, Factory
from wijknet.cli import main
from wijknet.web import backup as backup_module
from wijknet.web.config import read_instance_file

FAST_HASHING = {"WIJKNET_PASSWORD_TIME_COST": "1", "WIJKNET_PASSWORD_MEMORY_KIB": "64"}
APP_SETTINGS = {"scheduler": False, "password_time_cost": 1, "password_memory_kib": 64}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={**FAST_HASHING, **(env or {})}, catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


def init_node(folder: Path, database_url: str | None) -> Path:
    args = ["node", "init", "--instance", str(folder), "--name", TEST_AREAS["name"]]
    args += ["--municipality", TEST_AREAS["municipality"], "--wijk", TEST_AREAS["wijk"]]
    for code, name in TEST_AREAS["buurten"].items():
        args += ["--buurt", f"{code}={name}"]
    if database_url:
        args += ["--database-url", database_url]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return folder


@contextmanager
def node_app(folder: Path, database_url: str | None = None) -> Iterator[Flask]:
    app = create_app(folder, {**APP_SETTINGS, **({"database_url": database_url} if database_url else {})})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def contents(folder: Path, database_url: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as the app reads it: UTC instants, Decimals, JSON, booleans."""
    with node_app(folder, database_url) as app, app.app_context():
        return {
            table.name: [
                dict(row) for row in db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            ]
            for table in db.metadata.sorted_tables
        }


def populate(make: Factory) -> dict[str, Any]:
    """A small, realistic node: members with consents, requests, matches, hours, work, invoices, settings."""
    _, coordinator_headers = make.person(Role.COORDINATOR)
    _, admin_headers = make.person(Role.ADMIN)
    volunteer = make.member(name="Henk Jansen", roles=(Role.VOLUNTEER,), availability=["mon_morning", "wed_evening"])
    resident = make.member(
        name="Anna de Vries", phone="030 123 4567", postcode="3511AB", notes="Belt liever 's ochtends", birth_year=1941
    )
    make.offer(volunteer, ("shopping", "social"))
    done = make.help_request(resident, preferred_slots=["tue_morning"])
    match = make.match(done, volunteer, MatchStatus.COMPLETED)
    make.match(make.help_request(resident, category="social"), volunteer)
    make.time_log(volunteer, match_id=match, hours="1.25")
    make.time_log(volunteer, match_id=match, hours="2.50", worked_on=date(2026, 2, 3))
    assignment = make.assignment(budget_eur=Decimal("1234.56"), paid=True)
    make._run(lambda: update_assignment(SYSTEM, assignment, {"status": AssignmentStatus.ACTIVE}))
    invoice = {"invoiced_on": date(2026, 2, 28), "amount_eur": Decimal("617.28"), "reference": "F-2026-001"}
    make._run(lambda: add_invoice(SYSTEM, assignment, invoice))
    make.time_log(volunteer, assignment_id=assignment, hours="7.75", paid=True)
    make.activity()
    make._run(lambda: update_settings(SYSTEM, {"min_count": 7}))
    erased = make.member(name="Wordt gewist")
    make._run(lambda: erase_member(SYSTEM, erased))
    return {
        "coordinator_headers": coordinator_headers,
        "admin_headers": admin_headers,
        "volunteer": volunteer,
        "resident": resident,
    }


def populated_node(folder: Path, database_url: str | None) -> tuple[Path, dict[str, Any]]:
    init_node(folder, database_url)
    with node_app(folder) as app:
        return folder, populate(Factory(app))


def backup(folder: Path, *extra: str) -> dict[str, Any]:
    result = run("node", "backup", "--instance", str(folder), *extra)
    assert result.exit_code == 0, result.output
    return last_json(result)


def read_archive(path: str | Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The manifest and every table's rows, as stored in the archive."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        tables = {
            t["name"]: [json.loads(line) for line in archive.read(f"tables/{t['name']}.jsonl").splitlines()]
            for t in manifest["tables"]
        }
    return manifest, tables


@pytest.fixture
def other_database_url(request: pytest.FixtureRequest, tmp_path: Path, empty_database_url: str) -> Iterator[str]:
    """A second empty database of the same kind as `empty_database_url`, to restore into."""
    if empty_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
        return
    with _database(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    with _database(postgres_admin) as url:
        yield url


def test_round_trip_restores_identical_data_and_a_working_node(
    tmp_path: Path, empty_database_url: str, other_database_url: str
) -> None:
    source, facts = populated_node(tmp_path / "source", empty_database_url)
    before = contents(source)
    summary = backup(source)
    assert summary["tables"] == {name: len(rows) for name, rows in before.items()}
    assert summary["bytes"] == Path(summary["backup"]).stat().st_size

    target = init_node(tmp_path / "target", other_database_url)
    result = run("node", "restore", "--instance", str(target), "--from", summary["backup"])
    assert result.exit_code == 0, result.output
    restored = last_json(result)
    assert restored["tables"] == summary["tables"]
    assert restored["schema_revision"] == summary["schema_revision"]

    assert contents(target) == before
    assert before["time_logs"][0]["hours_hundredths"] == Decimal("1.25")  # the column holds hundredths
    config = read_instance_file(target / "node.toml")
    assert config["secret_key"] == read_instance_file(source / "node.toml")["secret_key"]
    assert config["database_url"] == other_database_url  # the target's own database is kept

    with node_app(target) as app:
        client = app.test_client()
        response = client.get("/api/v1/help-requests", headers=facts["coordinator_headers"])
        assert response.status_code == 200, response.json
        assert response.json["total"] == len(before["help_requests"])
        # New rows get new ids: PostgreSQL's sequences were moved past the restored ones.
        response = client.post(
            "/api/v1/members",
            json={"name": "Nieuw Lid", "email": "nieuw@example.org", "buurt_code": "BU03440202"},
            headers=facts["coordinator_headers"],
        )
        assert response.status_code == 201, response.json
        assert response.json["id"] == max(m["id"] for m in before["members"]) + 1


@pytest.mark.parametrize("direction", ["sqlite_to_postgresql", "postgresql_to_sqlite"])
def test_a_backup_moves_between_sqlite_and_postgresql(tmp_path: Path, postgres_url: str, direction: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'node.sqlite3'}"
    to_postgresql = direction == "sqlite_to_postgresql"
    source, _ = populated_node(tmp_path / "source", sqlite_url if to_postgresql else postgres_url)
    before = contents(source)
    summary = backup(source)

    target = tmp_path / "target"
    if to_postgresql:  # the new machine was set up with `node init --database-url`
        init_node(target, postgres_url)
        result = run("node", "restore", "--instance", str(target), "--from", summary["backup"])
        assert result.exit_code == 0, result.output
        assert read_instance_file(target / "node.toml")["database_url"] == postgres_url
        assert contents(target) == before
    else:  # the new machine names its database in the environment only
        env = {"WIJKNET_DATABASE_URL": sqlite_url}
        result = run("node", "restore", "--instance", str(target), "--from", summary["backup"], env=env)
        assert result.exit_code == 0, result.output
        assert contents(target, sqlite_url) == before
    with zipfile.ZipFile(summary["backup"]) as archive:
        assert json.loads(archive.read("manifest.json"))["dialect"] == ("sqlite" if to_postgresql else "postgresql")


def test_rows_committed_during_a_backup_are_not_in_it(
    tmp_path: Path, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, facts = populated_node(tmp_path / "source", empty_database_url)
    write_table = backup_module._write_table
    with node_app(source) as app:
        make = Factory(app)

        def write_then_commit_elsewhere(connection: Any, table: Any, archive: Any) -> dict[str, Any]:
            entry = write_table(connection, table, archive)
            if table.name == "help_requests":  # the matches are read after this: a new one must not show
                make.match(make.help_request(facts["resident"]), facts["volunteer"])
            return entry

        monkeypatch.setattr(backup_module, "_write_table", write_then_commit_elsewhere)
        summary = backup(source)

    manifest, tables = read_archive(summary["backup"])
    request_ids = {row["id"] for row in tables["help_requests"]}
    assert all(row["request_id"] in request_ids for row in tables["matches"])
    assert len(contents(source)["matches"]) == len(tables["matches"]) + 1
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {name: len(rows) for name, rows in tables.items()}


def test_a_backup_taken_while_another_thread_writes_is_consistent(tmp_path: Path, empty_database_url: str) -> None:
    source, facts = populated_node(tmp_path / "source", empty_database_url)
    started, stop = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    with node_app(source) as app:
        make = Factory(app)

        def keep_writing() -> None:
            try:
                for _ in range(500):  # bounded: it stops by itself even if the backup never ends
                    make.match(make.help_request(facts["resident"]), facts["volunteer"])
                    started.set()
                    if stop.is_set():
                        return
            except BaseException as exc:
                failures.append(exc)
                started.set()

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            assert started.wait(60)
            summary = backup(source)
        finally:
            stop.set()
            writer.join()
    assert failures == []

    manifest, tables = read_archive(summary["backup"])
    request_ids = {row["id"] for row in tables["help_requests"]}
    assert all(row["request_id"] in request_ids for row in tables["matches"])
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {name: len(rows) for name, rows in tables.items()}
    assert summary["tables"]["matches"] >= 3  # the two of `populate` and at least one the writer made first


def test_restore_refuses_a_database_with_data_unless_forced(
    tmp_path: Path, empty_database_url: str, other_database_url: str
) -> None:
    source, _ = populated_node(tmp_path / "source", empty_database_url)
    summary = backup(source)
    target = init_node(tmp_path / "target", other_database_url)
    with node_app(target) as app:
        Factory(app).member(name="Al hier")
    before = contents(target)

    result = run("node", "restore", "--instance", str(target), "--from", summary["backup"])
    assert result.exit_code != 0
    assert "already holds data" in result.output and "--force" in result.output
    assert contents(target) == before

    result = run("node", "restore", "--instance", str(target), "--from", summary["backup"], "--force")
    assert result.exit_code == 0, result.output
    assert contents(target) == contents(source)


def _rewrite(path: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def _edit_manifest(**changes: Any) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        members["manifest.json"] = json.dumps({**json.loads(members["manifest.json"]), **changes}).encode()

    return change


def _tamper(members: dict[str, bytes]) -> None:
    members["tables/members.jsonl"] = members["tables/members.jsonl"].replace(b"Anna de Vries", b"Anna de Boer")


def _add_unsafe_file(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    data = b"evil"
    digest = hashlib.sha256(data).hexdigest()
    manifest["files"].append({"path": "../evil.sh", "mode": 0o755, "bytes": len(data), "sha256": digest})
    members["manifest.json"] = json.dumps(manifest).encode()
    members["instance/../evil.sh"] = data


def _flip_a_byte(path: Path, out: Path) -> Path:
    """Corrupt one byte of the compressed rows of the members table, as a bad disk would."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("tables/members.jsonl")
    data = bytearray(path.read_bytes())
    header = info.header_offset
    name_length, extra_length = (int.from_bytes(data[header + i : header + i + 2], "little") for i in (26, 28))
    data[header + 30 + name_length + extra_length + info.compress_size // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def _truncate(path: Path, out: Path) -> Path:
    out.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return out


def _not_an_archive(path: Path, out: Path) -> Path:
    out.write_text("name,email\n")
    return out


DAMAGE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "truncated": (_truncate, "not a backup archive"),
    "flipped_byte": (_flip_a_byte, "damaged"),
    "tampered": (lambda p, o: _rewrite(p, o, _tamper), "does not match its checksum"),
    "not_an_archive": (_not_an_archive, "not a backup archive"),
    "other_format": (lambda p, o: _rewrite(p, o, _edit_manifest(format="something-else")), "not a wijknet backup"),
    "hub_backup": (lambda p, o: _rewrite(p, o, _edit_manifest(kind="hub")), "not of a node"),
    "newer_wijknet": (
        lambda p, o: _rewrite(p, o, _edit_manifest(schema_revision="f00dfeedbeef", wijknet_version="9.0.0")),
        "made by a newer wijknet (9.0.0)",
    ),
    "missing_table": (lambda p, o: _rewrite(p, o, lambda m: m.pop("tables/matches.jsonl")), "not the ones"),
    "unsafe_path": (lambda p, o: _rewrite(p, o, _add_unsafe_file), "cannot be right"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_bad_archive_is_refused_in_one_line_and_changes_nothing(
    tmp_path: Path, empty_database_url: str, damage: str
) -> None:
    source, _ = populated_node(tmp_path / "source", empty_database_url)
    summary = backup(source)
    make_bad, message = DAMAGE[damage]
    bad = make_bad(Path(summary["backup"]), tmp_path / "bad.zip")
    before, config = contents(source), (source / "node.toml").read_bytes()

    # Even with --force, into the node it came from: nothing may change.
    result = run("node", "restore", "--instance", str(source), "--from", str(bad), "--force")
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert message in lines[0]
    assert contents(source) == before
    assert (source / "node.toml").read_bytes() == config
    assert not (tmp_path / "evil.sh").exists()


def test_archive_is_private_and_restores_the_instance_on_a_new_machine(tmp_path: Path) -> None:
    source, facts = populated_node(tmp_path / "source", None)  # SQLite in the instance folder, the default
    (source / "federation-key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    (source / "federation-key.pem").chmod(0o600)
    (source / "keys").mkdir()
    (source / "keys" / "2025.pem").write_bytes(b"old key\n")
    (source / "scheduler.lock").touch()
    (tmp_path / "outside.pem").write_bytes(b"not the node's")
    (source / "elsewhere.pem").symlink_to(tmp_path / "outside.pem")
    before = contents(source)

    summary = backup(source)
    archive_path = Path(summary["backup"])
    assert archive_path.parent == source / "backups"
    assert stat.S_IMODE(archive_path.stat().st_mode) == 0o600
    second = backup(source)  # the first archive must not end up inside the second
    with zipfile.ZipFile(second["backup"]) as archive:
        files = {n for n in archive.namelist() if n.startswith("instance/")}
        manifest = json.loads(archive.read("manifest.json"))
    assert files == {"instance/node.toml", "instance/federation-key.pem", "instance/keys/2025.pem"}
    assert manifest["format"] == "wijknet-backup" and manifest["dialect"] == "sqlite"
    assert manifest["schema_revision"] == summary["schema_revision"]
    assert [t["name"] for t in manifest["tables"]].index("members") < [t["name"] for t in manifest["tables"]].index(
        "matches"
    )

    target = tmp_path / "new-machine" / "node"
    result = run("node", "restore", "--instance", str(target), "--from", str(archive_path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((target / "node.toml").stat().st_mode) == 0o600
    assert stat.S_IMODE((target / "federation-key.pem").stat().st_mode) == 0o600
    assert (target / "keys" / "2025.pem").read_bytes() == b"old key\n"
    assert (target / "node.sqlite3").is_file()
    assert contents(target) == before
    with node_app(target) as app:
        response = app.test_client().get("/api/v1/settings", headers=facts["admin_headers"])
        assert response.status_code == 200
        assert response.json["min_count"] == 7


def test_output_and_keep(tmp_path: Path) -> None:
    source = init_node(tmp_path / "source", None)
    output = tmp_path / "elsewhere" / "before-upgrade.zip"
    explicit = backup(source, "--output", str(output))
    assert explicit["backup"] == str(output)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert set(explicit) >= {"backup", "tables", "schema_revision", "bytes"}

    result = run("node", "backup", "--instance", str(source), "--output", str(output))
    assert result.exit_code != 0 and "already exists" in result.output

    (source / "backups").mkdir()
    own = source / "backups" / "mine.zip"
    own.write_bytes(b"kept")
    made = [backup(source, "--keep", "2")["backup"] for _ in range(3)]
    left = sorted(path.name for path in (source / "backups").iterdir())
    assert left == sorted(["mine.zip", *(Path(path).name for path in made[1:])])


def test_commands_on_a_missing_instance_say_so(tmp_path: Path) -> None:
    result = run("node", "backup", "--instance", str(tmp_path / "nope"))
    assert result.exit_code != 0
    assert "run `wijknet node init` first" in result.output
