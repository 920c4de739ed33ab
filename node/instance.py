"""Creating and upgrading a node's instance folder: configuration, secret, database."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import flask_migrate
from alembic.migration import MigrationContext

from node.app import MIGRATIONS_DIR, create_app
from node.config import CONFIG_FILENAME
from node.extensions import db
from wijknet.web.config import read_instance_file, write_instance_file


def init_instance(
    instance: Path,
    *,
    name: str | None = None,
    database_url: str | None = None,
    municipality: str | None = None,
    wijk: str | None = None,
    buurten: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create the folder and configuration if missing, then bring the database to the newest schema.

    Run again, it keeps the secret and every setting not given, and only upgrades.
    """
    instance.mkdir(parents=True, exist_ok=True)
    os.chmod(instance, 0o700)  # it holds the secret key, the database and, later, the private key
    config_path = instance / CONFIG_FILENAME
    config = read_instance_file(config_path)
    created = not config
    config.setdefault("secret_key", secrets.token_urlsafe(48))
    for key, value in (
        ("name", name),
        ("database_url", database_url),
        ("municipality", municipality),
        ("wijk", wijk),
    ):
        if value is not None:
            config[key] = value
    if buurten:
        config["buurten"] = dict(sorted(buurten.items()))
    config.update(extra or {})
    write_instance_file(config_path, config)

    app = create_app(instance, {"scheduler": False})
    with app.app_context():
        try:
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            revision = current_revision()
        finally:
            db.engine.dispose()
    return {"instance": str(instance), "created": created, "schema_revision": revision}


def current_revision() -> str | None:
    """The schema revision of the app's database (inside an app context)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
