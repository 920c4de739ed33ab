"""The steps every signed message passes, in the order of spec section 3.

1. 413 too_large (Flask's MAX_CONTENT_LENGTH), 415 unsupported_media_type;
2. 400 malformed, unsupported_alg, wrong_type (`federation.protocol.jws`);
3. 401 unknown_key, bad_signature;
4. 403 key_revoked, key_retired, node_suspended, node_mismatch;
5. an id the hub already holds: 200 duplicate or 409 report_id_reused;
6. 422 invalid_payload, issued_in_future, area_not_allowed, disclosure_violation;
7. 409 stale_revision, revision_conflict.

A message whose signature fails is never inspected further and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError
from sqlalchemy import bindparam, select

from federation.hub.config import HubSettings
from federation.hub.extensions import db
from federation.hub.registry.models import Node, NodeArea, NodeKey, NodeStatus
from federation.protocol.jws import Jws, JwsError, Signature, accepted_algorithms, strip_body
from federation.protocol.keys import PublicKey
from federation.protocol.messages import MAX_CLOCK_SKEW, parse_timestamp
from federation.protocol.problems import ProtocolError
from wijknet.web.problems import flatten_messages


@dataclass(frozen=True)
class Answer:
    """What the hub answers to an accepted or duplicate message."""

    status: int
    body: dict[str, Any]


def settings() -> HubSettings:
    return current_app.extensions["wijknet.settings"]


def algorithms() -> frozenset[str]:
    return accepted_algorithms(allow_eddsa=settings().allow_eddsa)


def read_body(body: bytes, content_type: str | None, media_type: str) -> bytes:
    """Step 1 (the size is Flask's): the right media type; then the JWS without surrounding whitespace."""
    given = (content_type or "").split(";", 1)[0].strip().lower()
    if given != media_type:
        raise ProtocolError("unsupported_media_type", f"send the JWS as {media_type}, not {given or 'nothing'}")
    return strip_body(body)


@dataclass(frozen=True)
class Sender:
    """A registered key as intake checks it: its standing, its node's, and the node's areas."""

    kid: str
    x: str  # the public key, base64url
    node_id: str
    retired_after: datetime | None
    revoked_at: datetime | None
    node_status: NodeStatus
    areas: frozenset[str]

    @classmethod
    def of(cls, key: NodeKey) -> Sender:
        node = key.node
        return cls(key.kid, key.x, key.node_id, key.retired_after, key.revoked_at, node.status, frozenset(node.areas))


# One statement, one row per area, read on every message: built once, executed on the session's
# connection without the ORM (nothing here is changed, so there is nothing for it to track).
_SENDER = (
    select(
        NodeKey.kid,
        NodeKey.x,
        NodeKey.node_id,
        NodeKey.retired_after,
        NodeKey.revoked_at,
        Node.status,
        NodeArea.area_code,
    )
    .join(Node, Node.node_id == NodeKey.node_id)
    .outerjoin(NodeArea, NodeArea.node_id == NodeKey.node_id)
    .where(NodeKey.kid == bindparam("kid"))
)


def find_sender(kid: str) -> Sender:
    """Step 3: the key named by `kid`, with its node's standing and areas."""
    rows = db.session.connection().execute(_SENDER, {"kid": kid}).all()
    if not rows:
        raise ProtocolError("unknown_key", "no key with this kid is registered at the hub")
    areas = frozenset(row.area_code for row in rows if row.area_code is not None)
    first = rows[0]
    return Sender(first.kid, first.x, first.node_id, first.retired_after, first.revoked_at, first.status, areas)


def public_key(key: Sender | NodeKey) -> PublicKey:
    return PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": key.x})


def verify(jws: Jws, key: PublicKey, signature: Signature | None = None) -> None:
    """Step 3: the signature verifies with the key."""
    try:
        jws.verify(key, signature)
    except JwsError as exc:
        raise ProtocolError(exc.code, exc.detail) from None


def issued_at_of(claims: dict[str, Any]) -> datetime | None:
    """The payload's `issued_at`, or None when it is missing or unreadable."""
    try:
        return parse_timestamp(claims.get("issued_at"))
    except ValueError:
        return None


def check_standing(key: Sender, claims: dict[str, Any]) -> None:
    """Step 4: the key is neither revoked nor (for this message) retired, the node active and the sender."""
    if key.revoked_at is not None:
        raise ProtocolError("key_revoked", "this key was revoked by the hub")
    if key.retired_after is not None:
        issued_at = issued_at_of(claims)
        # Messages signed before the rotation still land (a node's outbox may hold some).
        if issued_at is None or issued_at > key.retired_after:
            raise ProtocolError("key_retired", "this key was retired by a rotation before the message was issued")
    if key.node_status == NodeStatus.SUSPENDED:
        raise ProtocolError("node_suspended", "the hub has suspended this node")
    if claims.get("node_id") != key.node_id:
        raise ProtocolError("node_mismatch", "node_id is not the node that owns the key")


def load_payload(schema: Schema, claims: dict[str, Any]) -> dict[str, Any]:
    """Step 6: the payload has exactly the members the spec names, each valid."""
    try:
        return schema.load(claims)
    except ValidationError as exc:
        errors = flatten_messages(exc.messages)
        raise ProtocolError("invalid_payload", "the payload breaks a rule; see errors", errors=errors) from None


def check_not_in_future(issued_at: datetime, now: datetime) -> None:
    if issued_at > now + MAX_CLOCK_SKEW:
        raise ProtocolError(
            "issued_in_future",
            f"issued_at is more than {int(MAX_CLOCK_SKEW.total_seconds())} s ahead of the hub's clock",
        )
