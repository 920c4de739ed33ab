"""JWS (RFC 7515) with Ed25519, as strict as the protocol demands (spec section 2).

Written on `cryptography` directly rather than through a JOSE library: the
protocol allows one algorithm, needs its own error codes in its own order
(malformed, then unsupported_alg, then wrong_type; bad_signature only once
the key is known), and forbids what libraries accept (`crit`, `b64`,
unprotected headers). The tests check interoperability both ways with two
independent JOSE libraries.

A JWS signs exact bytes, so nothing is canonicalised: senders sign the bytes
they made, receivers keep the bytes they got.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from federation.protocol.encoding import EncodingError, b64url_decode, b64url_encode, json_dumps, json_object
from federation.protocol.keys import ED25519_SIGNATURE_BYTES, PublicKey, SigningKey
from federation.protocol.problems import ProtocolError

ALG = "Ed25519"  # RFC 9864, fully specified
LEGACY_ALG = "EdDSA"  # RFC 8037; a receiver MAY accept it for an Ed25519 key
REQUIRED_HEADER = ("alg", "kid", "typ")
FORBIDDEN_HEADER = ("crit", "b64")
ASCII_WHITESPACE = b" \t\n\r\x0b\x0c"

# The media types of the two serialisations (spec section 2).
COMPACT_MEDIA_TYPE = "application/jose"
GENERAL_MEDIA_TYPE = "application/jose+json"


ClaimsReader = Callable[[bytes], dict[str, Any]]


class JwsError(ProtocolError):
    """A JWS the protocol refuses; `code` is the problem code of spec section 3."""


@dataclass(frozen=True)
class Signature:
    """One signature with its protected header, as received."""

    protected: str  # the header's base64url, exactly as sent: it is part of the signing input
    header: dict[str, Any]
    value: bytes

    @property
    def kid(self) -> str:
        return self.header["kid"]

    @property
    def alg(self) -> str:
        return self.header["alg"]


@dataclass(frozen=True)
class Jws:
    """A parsed JWS: the payload's exact bytes and one or more signatures over them."""

    payload_b64: str
    payload: bytes
    signatures: tuple[Signature, ...]
    claims: dict[str, Any]  # the payload as a JSON object: trust it only after `verify`

    def signing_input(self, signature: Signature) -> bytes:
        return f"{signature.protected}.{self.payload_b64}".encode("ascii")

    def verify(self, key: PublicKey, signature: Signature | None = None) -> None:
        """Raise `bad_signature` unless `signature` (the only one by default) verifies with `key`."""
        signature = signature or self.signatures[0]
        if len(signature.value) != ED25519_SIGNATURE_BYTES or not key.verify(
            signature.value, self.signing_input(signature)
        ):
            raise JwsError("bad_signature", "the signature does not verify")

    @property
    def header(self) -> dict[str, Any]:
        """The protected header of a single-signature JWS."""
        return self.signatures[0].header


def strip_body(body: bytes) -> bytes:
    """The JWS is the request body without surrounding ASCII whitespace (spec section 2)."""
    return body.strip(ASCII_WHITESPACE)


def accepted_algorithms(*, allow_eddsa: bool) -> frozenset[str]:
    return frozenset({ALG, LEGACY_ALG}) if allow_eddsa else frozenset({ALG})


def parse_header(protected: str, *, typ: str, algorithms: frozenset[str] = frozenset({ALG})) -> dict[str, Any]:
    """A protected header alone, checked as in a whole JWS: for detached signatures, whose payload travels apart."""
    header = _decode_header(protected)
    _check_header(header, typ, algorithms)
    return header


def _decode_segment(segment: str, what: str) -> bytes:
    try:
        return b64url_decode(segment)
    except EncodingError as exc:
        raise JwsError("malformed", f"{what}: {exc}") from None


def _decode_header(protected: str) -> dict[str, Any]:
    try:
        header = json_object(_decode_segment(protected, "protected header"))
    except EncodingError as exc:
        raise JwsError("malformed", f"protected header: {exc}") from None
    missing = [name for name in REQUIRED_HEADER if not isinstance(header.get(name), str) or not header[name]]
    if missing:
        raise JwsError("malformed", f"protected header lacks {', '.join(missing)}")
    present = [name for name in FORBIDDEN_HEADER if name in header]
    if present:
        raise JwsError("malformed", f"protected header must not contain {', '.join(present)}")
    return header


def _decode_payload(payload_b64: str, claims: ClaimsReader = json_object) -> tuple[bytes, dict[str, Any]]:
    payload = _decode_segment(payload_b64, "payload")
    try:
        return payload, claims(payload)
    except EncodingError as exc:
        raise JwsError("malformed", f"payload: {exc}") from None


def _check_header(header: dict[str, Any], typ: str, algorithms: frozenset[str]) -> None:
    """Algorithm before type: the order of spec section 3."""
    if header["alg"] not in algorithms:
        raise JwsError("unsupported_alg", f"alg {header['alg']!r} is not accepted; use {ALG!r}")
    if header["typ"] != typ:
        raise JwsError("wrong_type", f"typ {header['typ']!r} is not {typ!r}")


def _ascii(body: bytes | str) -> str:
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        return body.decode("ascii")
    except UnicodeDecodeError:
        raise JwsError("malformed", "a JWS is ASCII") from None


def parse_compact(
    body: bytes | str,
    *,
    typ: str,
    algorithms: frozenset[str] = frozenset({ALG}),
    claims: ClaimsReader = json_object,
) -> Jws:
    """Parse a compact JWS and check its header; the signature is checked by `Jws.verify`.

    `claims` reads the payload's bytes into a JSON object, raising EncodingError where they are
    none; a faster reader than `json_object` must be exactly as strict.
    """
    parts = _ascii(body).split(".")
    if len(parts) != 3:
        raise JwsError("malformed", "a compact JWS has three dot-separated parts")
    protected, payload_b64, signature_b64 = parts
    header = _decode_header(protected)
    payload, decoded = _decode_payload(payload_b64, claims)
    signature = Signature(protected, header, _decode_segment(signature_b64, "signature"))
    _check_header(header, typ, algorithms)
    return Jws(payload_b64, payload, (signature,), decoded)


def parse_general(body: bytes | str, *, typ: str, algorithms: frozenset[str] = frozenset({ALG})) -> Jws:
    """Parse a general JSON JWS (RFC 7515 section 7.2.1) whose signatures carry protected headers only."""
    try:
        document = json_object(_ascii(body))
    except EncodingError as exc:
        raise JwsError("malformed", f"not a general JSON JWS: {exc}") from None
    if set(document) != {"payload", "signatures"}:
        raise JwsError("malformed", 'a general JSON JWS has exactly the members "payload" and "signatures"')
    entries = document["signatures"]
    if not isinstance(document["payload"], str) or not isinstance(entries, list) or not entries:
        raise JwsError("malformed", '"payload" is a string and "signatures" a non-empty array')
    signatures = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise JwsError("malformed", f"signatures[{index}] is not an object")
        if "header" in entry:
            raise JwsError("malformed", f"signatures[{index}] has an unprotected header")
        if set(entry) != {"protected", "signature"} or not all(isinstance(v, str) for v in entry.values()):
            raise JwsError("malformed", f'signatures[{index}] has exactly "protected" and "signature", as strings')
        header = _decode_header(entry["protected"])
        signatures.append(Signature(entry["protected"], header, _decode_segment(entry["signature"], "signature")))
    payload, claims = _decode_payload(document["payload"])
    for signature in signatures:
        _check_header(signature.header, typ, algorithms)
    return Jws(document["payload"], payload, tuple(signatures), claims)


def _protected(key: SigningKey, typ: str, extra: Mapping[str, Any] | None) -> str:
    header = {"alg": ALG, "kid": key.kid, "typ": typ, **(extra or {})}
    return b64url_encode(json_dumps(header))


def sign_compact(payload: bytes, key: SigningKey, *, typ: str, extra_header: Mapping[str, Any] | None = None) -> str:
    """A compact JWS over exactly `payload`."""
    protected = _protected(key, typ, extra_header)
    payload_b64 = b64url_encode(payload)
    signature = key.sign(f"{protected}.{payload_b64}".encode("ascii"))
    return f"{protected}.{payload_b64}.{b64url_encode(signature)}"


def sign_general(payload: bytes, keys: Sequence[SigningKey], *, typ: str) -> str:
    """A general JSON JWS over `payload` with one signature per key, protected headers only."""
    payload_b64 = b64url_encode(payload)
    signatures = []
    for key in keys:
        protected = _protected(key, typ, None)
        value = key.sign(f"{protected}.{payload_b64}".encode("ascii"))
        signatures.append({"protected": protected, "signature": b64url_encode(value)})
    return json_dumps({"payload": payload_b64, "signatures": signatures}).decode("ascii")
