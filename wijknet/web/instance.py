"""Instance folders, shared by the node and the hub: a private folder, a configuration file, a database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import flask_migrate
from alembic.migration import MigrationContext
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from wijknet.web.config import read_instance_file, write_instance_file


def write_configuration(instance: Path, filename: str, updates: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Create the folder (mode 0700) and its configuration, or update the values given (None: keep).

    A new configuration gets a new secret key; an existing one keeps its own.
    Returns the configuration and whether it was created.
    """
    instance.mkdir(parents=True, exist_ok=True)
    os.chmod(instance, 0o700)  # it holds the secret key, the database and the private signing key
    path = instance / filename
    config = read_instance_file(path)
    created = not config
    config.setdefault("secret_key", secrets.token_urlsafe(48))
    config.update({key: value for key, value in updates.items() if value is not None})
    write_instance_file(path, config)
    return config, created


def upgrade_database(app: Flask, db: SQLAlchemy, migrations_dir: Path) -> str | None:
    """Bring the app's database to the newest schema; returns the schema revision."""
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(migrations_dir))
            return current_revision(db)
        finally:
            db.engine.dispose()


def current_revision(db: SQLAlchemy) -> str | None:
    """The schema revision of the app's database (inside an app context)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
