"""The node's signing key in its instance folder, and the next one while a rotation is under way."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from federation.protocol.keys import KeyFileError, SigningKey, load_signing_key, save_signing_key

KEY_FILENAME = "federation_key.pem"
NEXT_KEY_FILENAME = "federation_key.next.pem"


def instance_path() -> Path:
    return Path(current_app.instance_path)


def check_key_files(instance: Path) -> None:
    """Refuse to start when a key file exists that others can read (raises KeyFileError)."""
    for name in (KEY_FILENAME, NEXT_KEY_FILENAME):
        if (instance / name).exists():
            load_signing_key(instance / name)


def current_key() -> SigningKey:
    return load_signing_key(instance_path() / KEY_FILENAME)


def ensure_key() -> SigningKey:
    """The node's key, made now if it has none (at enrollment)."""
    path = instance_path() / KEY_FILENAME
    if not path.exists():
        save_signing_key(path, SigningKey.generate())
    return load_signing_key(path)


def next_key(*, create: bool) -> SigningKey | None:
    """The key a pending rotation introduces."""
    path = instance_path() / NEXT_KEY_FILENAME
    if not path.exists():
        if not create:
            return None
        save_signing_key(path, SigningKey.generate())
    return load_signing_key(path)


def discard_next_key() -> None:
    (instance_path() / NEXT_KEY_FILENAME).unlink(missing_ok=True)


def promote_next_key(kid: str) -> SigningKey:
    """The rotation to `kid` was accepted: the next key becomes the key; the old private key is gone.

    Run again after a crash between the rename and the commit, it finds the
    promotion already done.
    """
    folder = instance_path()
    if (folder / NEXT_KEY_FILENAME).exists():
        os.replace(folder / NEXT_KEY_FILENAME, folder / KEY_FILENAME)
    key = load_signing_key(folder / KEY_FILENAME)
    if key.kid != kid:
        raise KeyFileError(f"the rotation introduced key {kid}, but the key file holds {key.kid}")
    return key
