"""Creating and upgrading a hub's instance folder: configuration, secret, signing key, database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from federation.hub.app import MIGRATIONS_DIR, create_app
from federation.hub.config import CONFIG_FILENAME, SIGNING_KEY_FILENAME
from federation.hub.extensions import db
from federation.protocol.keys import SigningKey, load_signing_key, save_signing_key
from wijknet.web.instance import upgrade_database, write_configuration


def init_instance(instance: Path, **settings: Any) -> dict[str, Any]:
    """Create the hub (configuration, signing key, database) or, run again, upgrade its database.

    Settings given (None: keep) are written to the configuration; the signing
    key is made once and never replaced, because nodes hold receipts signed by it.
    """
    _, created = write_configuration(instance, CONFIG_FILENAME, settings)
    key_path = instance / SIGNING_KEY_FILENAME
    if not key_path.exists():
        save_signing_key(key_path, SigningKey.generate())
    kid = load_signing_key(key_path).kid
    revision = upgrade_database(create_app(instance, {"scheduler": False}), db, MIGRATIONS_DIR)
    return {"instance": str(instance), "created": created, "kid": kid, "schema_revision": revision}
