"""Signing a node's messages, and checking what the hub signs back (spec sections 5-8).

A node builds a payload, signs its exact bytes and keeps them; a receipt is
checked against the hub's keys and against the digest of those bytes before
the node believes anything was delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from federation.protocol.encoding import json_dumps
from federation.protocol.jws import (
    COMPACT_MEDIA_TYPE,
    GENERAL_MEDIA_TYPE,
    JwsError,
    parse_compact,
    sign_compact,
    sign_general,
)
from federation.protocol.keys import KeyFormatError, PublicKey, SigningKey
from federation.protocol.messages import (
    COMMITMENT,
    ENROLLMENT,
    KEY_ROTATION,
    RECEIPT,
    REPORT,
    TENDERS,
    format_timestamp,
    receipt_digest,
)


@dataclass(frozen=True)
class Envelope:
    """A signed message ready to send: the body and its media type."""

    body: str
    media_type: str


def enrollment(key: SigningKey, *, node_id: str, token: str, name: str, software: str, issued_at: datetime) -> Envelope:
    """Enrollment: the header carries the public key, proving possession by the signature."""
    payload = {
        "schema": ENROLLMENT.schema,
        "node_id": node_id,
        "token": token,
        "name": name,
        "issued_at": format_timestamp(issued_at),
        "software": software,
    }
    body = sign_compact(json_dumps(payload), key, typ=ENROLLMENT.typ, extra_header={"jwk": key.public.jwk()})
    return Envelope(body, COMPACT_MEDIA_TYPE)


def report(key: SigningKey, payload: dict[str, Any]) -> Envelope:
    return Envelope(sign_compact(json_dumps(payload), key, typ=REPORT.typ), COMPACT_MEDIA_TYPE)


def commitment(key: SigningKey, payload: dict[str, Any]) -> Envelope:
    return Envelope(sign_compact(json_dumps(payload), key, typ=COMMITMENT.typ), COMPACT_MEDIA_TYPE)


def key_rotation(current: SigningKey, new: SigningKey, *, node_id: str, issued_at: datetime) -> Envelope:
    """Signed by the current key and by the new one."""
    payload = {
        "schema": KEY_ROTATION.schema,
        "node_id": node_id,
        "new_key": new.public.jwk(),
        "issued_at": format_timestamp(issued_at),
    }
    return Envelope(sign_general(json_dumps(payload), [current, new], typ=KEY_ROTATION.typ), GENERAL_MEDIA_TYPE)


class ReceiptError(ValueError):
    """A receipt that proves nothing: unknown key, bad signature, or not about what was sent."""


def hub_keys(jwks: dict[str, Any]) -> dict[str, PublicKey]:
    """The hub's Ed25519 keys by kid, from a JWKS (other keys are skipped)."""
    keys = {}
    for jwk in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        try:
            key = PublicKey.from_jwk(jwk)
        except KeyFormatError:
            continue
        keys[key.kid] = key
    return keys


def receipt_kid(receipt: str) -> str | None:
    """The kid a receipt names, so a node can refresh the hub's keys when it does not know it."""
    try:
        return parse_compact(receipt, typ=RECEIPT.typ).header["kid"]
    except JwsError:
        return None


def verify_receipt(receipt: str, keys: dict[str, PublicKey], sent: str, *, node_id: str) -> dict[str, Any]:
    """The receipt's payload, once its signature and its digest of the bytes sent check out."""
    try:
        jws = parse_compact(receipt, typ=RECEIPT.typ)
        key = keys.get(jws.header["kid"])
        if key is None:
            raise ReceiptError(f"the receipt is signed by an unknown hub key {jws.header['kid']}")
        jws.verify(key)
    except JwsError as exc:
        raise ReceiptError(f"the receipt does not verify: {exc.detail}") from None
    claims = jws.claims
    if claims.get("schema") != RECEIPT.schema or claims.get("node_id") != node_id:
        raise ReceiptError("the receipt is not a receipt for this node")
    if claims.get("digest") != receipt_digest(sent.encode("ascii")):
        raise ReceiptError("the receipt's digest is not that of the message sent")
    return claims


def verify_tender_list(document: str, keys: dict[str, PublicKey]) -> dict[str, Any]:
    """The hub's signed tender list, verified."""
    try:
        jws = parse_compact(document.strip(), typ=TENDERS.typ)
        key = keys.get(jws.header["kid"])
        if key is None:
            raise ReceiptError(f"the tender list is signed by an unknown hub key {jws.header['kid']}")
        jws.verify(key)
    except JwsError as exc:
        raise ReceiptError(f"the tender list does not verify: {exc.detail}") from None
    return jws.claims
