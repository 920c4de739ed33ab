"""Creating and upgrading a node's instance folder: configuration, secret, database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from node.app import MIGRATIONS_DIR, create_app
from node.config import CONFIG_FILENAME
from node.extensions import db
from wijknet.web.instance import upgrade_database, write_configuration


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
    updates = {
        "name": name,
        "database_url": database_url,
        "municipality": municipality,
        "wijk": wijk,
        "buurten": dict(sorted(buurten.items())) if buurten else None,
        **(extra or {}),
    }
    _, created = write_configuration(instance, CONFIG_FILENAME, updates)
    revision = upgrade_database(create_app(instance, {"scheduler": False}), db, MIGRATIONS_DIR)
    return {"instance": str(instance), "created": created, "schema_revision": revision}
