"""Ed25519 keys, their JWKs, RFC 7638 key ids and the private key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from federation.protocol.keys import (
    KeyFileError,
    KeyFormatError,
    PublicKey,
    SigningKey,
    load_signing_key,
    save_signing_key,
    thumbprint,
)


def test_rfc7638_thumbprint_of_the_rfc8037_example_key() -> None:
    # RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert PublicKey.from_jwk(jwk).kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_signing_key_round_trips_through_its_public_jwk() -> None:
    key = SigningKey.generate()
    public = PublicKey.from_jwk(key.public.jwk())
    assert public.raw == key.public.raw
    assert public.verify(key.sign(b"wijknet"), b"wijknet")
    assert not public.verify(key.sign(b"wijknet"), b"wijknet!")
    assert key.public.jwk(with_kid=True)["kid"] == key.kid


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "EC", "crv": "P-256", "x": "a", "y": "b"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "secret"},
        {"kty": "OKP", "crv": "Ed25519", "x": "too-short"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=="},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "not-it"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "name": "Anna"},
        "not an object",
    ],
)
def test_anything_but_a_public_ed25519_jwk_is_refused(jwk: object) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_jwk(jwk)


def test_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "node.pem"
    key = SigningKey.generate()
    save_signing_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signing_key(path).kid == key.kid
    with pytest.raises(FileExistsError):
        save_signing_key(path, SigningKey.generate())
    assert load_signing_key(path).kid == key.kid
    assert [p.name for p in path.parent.iterdir()] == ["node.pem"]  # no temporary file left


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_key_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "node.pem"
    save_signing_key(path, SigningKey.generate())
    os.chmod(path, mode)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_signing_key(path)


def test_missing_or_garbled_key_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no such key file"):
        load_signing_key(tmp_path / "absent.pem")
    garbled = tmp_path / "garbled.pem"
    garbled.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    os.chmod(garbled, 0o600)
    with pytest.raises(KeyFileError, match="PEM"):
        load_signing_key(garbled)
