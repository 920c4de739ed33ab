"""Ed25519 keys: generation, the private key file, public JWKs and RFC 7638 key ids (spec section 2)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.protocol.encoding import EncodingError, b64url_decode, b64url_encode

ED25519_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64
JWK_MEMBERS = frozenset({"kty", "crv", "x", "kid", "use", "alg", "key_ops"})


class KeyFormatError(ValueError):
    """Not a usable Ed25519 key; the message says why."""


class KeyFileError(Exception):
    """The private key file is missing, unreadable, malformed or readable by others."""


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key, with its JWK and key id."""

    raw: bytes
    _key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def from_raw(cls, raw: bytes) -> PublicKey:
        if len(raw) != ED25519_KEY_BYTES:
            raise KeyFormatError("an Ed25519 public key has 32 bytes")
        return cls(raw, Ed25519PublicKey.from_public_bytes(raw))

    @classmethod
    def from_jwk(cls, jwk: Any) -> PublicKey:
        """A public OKP/Ed25519 JWK; a private one (with `d`) or any other key is refused."""
        if not isinstance(jwk, dict):
            raise KeyFormatError("a JWK is a JSON object")
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise KeyFormatError('not an Ed25519 key (kty "OKP", crv "Ed25519")')
        if "d" in jwk:
            raise KeyFormatError("the JWK holds a private key")
        unknown = set(jwk) - JWK_MEMBERS
        if unknown:
            raise KeyFormatError(f"unexpected JWK members {sorted(unknown)}")
        try:
            raw = b64url_decode(jwk.get("x"))
        except EncodingError:
            raise KeyFormatError('"x" is not base64url') from None
        key = cls.from_raw(raw)
        if "kid" in jwk and jwk["kid"] != key.kid:
            raise KeyFormatError('"kid" is not the key\'s thumbprint')
        return key

    @property
    def x(self) -> str:
        return b64url_encode(self.raw)

    def jwk(self, *, with_kid: bool = False) -> dict[str, str]:
        """The public JWK, `{"kty": "OKP", "crv": "Ed25519", "x": ...}` (and `kid` if asked)."""
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": self.x}
        if with_kid:
            jwk["kid"] = self.kid
        return jwk

    @property
    def kid(self) -> str:
        return thumbprint(self.jwk())

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key; it never leaves the instance folder."""

    _key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @property
    def public(self) -> PublicKey:
        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey.from_raw(raw)

    @property
    def kid(self) -> str:
        return self.public.kid

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @classmethod
    def from_pem(cls, data: bytes) -> SigningKey:
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise KeyFormatError("not an unencrypted PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyFormatError("not an Ed25519 private key")
        return cls(key)


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url): the required members, sorted, no whitespace."""
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def save_signing_key(path: Path, key: SigningKey) -> None:
    """Write the key as PKCS#8 PEM, mode 0600, atomically; an existing file is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.pem())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o600)
        os.link(temporary, path)  # fails if `path` exists: a key is never replaced by accident
    finally:
        temporary.unlink(missing_ok=True)


def load_signing_key(path: Path) -> SigningKey:
    """Read the private key, refusing a file that others than its owner can read or write."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such key file") from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"{path}: not a regular file")
    if info.st_mode & 0o077:
        raise KeyFileError(
            f"{path}: the private key can be read or changed by others (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run `chmod 600 {path}`"
        )
    try:
        return SigningKey.from_pem(path.read_bytes())
    except OSError as exc:
        raise KeyFileError(f"{path}: {exc.strerror}") from None
    except KeyFormatError as exc:
        raise KeyFileError(f"{path}: {exc}") from None
