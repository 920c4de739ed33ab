"""`wijknet node backup` and `restore`: the shared backup machinery applied to a node's instance."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask

from node.app import MIGRATIONS_DIR, create_app
from node.config import CONFIG_FILENAME, NodeSettings
from node.extensions import db
from wijknet.web.backup import (
    Archive,
    BackupError,
    create_backup,
    default_destination,
    open_backup,
    prune_backups,
    restore_database,
    restore_files,
)
from wijknet.web.config import ENV_PREFIX, read_instance_file, write_instance_file

KIND = "node"


def backup_node(app: Flask, output: Path | None = None, keep: int | None = None) -> dict[str, Any]:
    """Archive the node's database and instance files; with `keep`, then delete all but the newest `keep`."""
    instance = Path(app.instance_path)
    destination = output or default_destination(instance, KIND)
    summary = create_backup(app.config["SQLALCHEMY_DATABASE_URI"], instance, destination, kind=KIND)
    if keep:
        summary["pruned"] = [str(path) for path in prune_backups(Path(summary["backup"]).parent, KIND, keep)]
    return summary


def _archived_config(archive: Archive) -> dict[str, Any]:
    if CONFIG_FILENAME not in {file["path"] for file in archive.files}:
        raise BackupError(f"{archive.path}: holds no {CONFIG_FILENAME}, so it is no node's backup")
    try:
        return tomllib.loads(archive.file(CONFIG_FILENAME).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise BackupError(f"{archive.path}: its {CONFIG_FILENAME} cannot be read") from None


def _migrate(app: Flask, revision: str) -> None:
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision=revision)
        finally:
            db.engine.dispose()


def restore_node(instance: Path, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a node from an archive into `instance`, keeping the database the target already configures.

    The database is the one of `WIJKNET_DATABASE_URL`, else of the target's
    `node.toml`, else of the archived `node.toml`, else SQLite in the instance.
    """
    instance = instance.resolve()
    config_path = instance / CONFIG_FILENAME
    kept_url = read_instance_file(config_path).get("database_url")
    with open_backup(source, kind=KIND, migrations=MIGRATIONS_DIR) as archive:
        archived = _archived_config(archive)
        database_url = (
            os.environ.get(f"{ENV_PREFIX}DATABASE_URL")
            or kept_url
            or archived.get("database_url")
            or NodeSettings().database_url_for(instance)
        )
        # This app only runs the migrations; the archive's secret comes back with node.toml.
        app = create_app(
            instance, {"database_url": database_url, "scheduler": False, "secret_key": secrets.token_urlsafe(32)}
        )
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(instance, 0o700)  # it will hold the secret key and the personal data
        summary = restore_database(archive, database_url, upgrade=lambda rev: _migrate(app, rev), force=force)
        files = restore_files(archive, instance, database_url)
    if kept_url:
        config = read_instance_file(config_path)
        config["database_url"] = kept_url
        write_instance_file(config_path, config)
    return {"restored": str(source), "instance": str(instance), **summary, "files": files}
