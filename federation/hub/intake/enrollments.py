"""Enrollment (spec section 5): a node proves possession of its key and spends its invitation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.intake.checks import Answer, algorithms, check_not_in_future, load_payload, read_body, settings
from federation.hub.registry.models import Invitation, Node, NodeArea, NodeKey, RegistryAction
from federation.hub.registry.services import hash_token, record
from federation.hub.signing import hub_signer
from federation.protocol.jws import COMPACT_MEDIA_TYPE, JwsError, parse_compact
from federation.protocol.keys import KeyFormatError, PublicKey
from federation.protocol.messages import ENROLLMENT
from federation.protocol.problems import ProtocolError
from schemas.federation.messages import EnrollmentSchema

_schema = EnrollmentSchema()


def enroll(body: bytes, content_type: str | None, now: datetime) -> Answer:
    """Register the node and its key; only a successful enrollment uses the token up."""
    jws_bytes = read_body(body, content_type, COMPACT_MEDIA_TYPE)
    jws = parse_compact(jws_bytes, typ=ENROLLMENT.typ, algorithms=algorithms())
    try:
        key = PublicKey.from_jwk(jws.header.get("jwk"))
    except KeyFormatError as exc:
        raise ProtocolError("malformed", f"the header's jwk is not a public Ed25519 key: {exc}") from None
    if jws.header["kid"] != key.kid:
        raise ProtocolError("bad_signature", "kid is not the thumbprint of the header's jwk")
    try:
        jws.verify(key)  # proof of possession of the private key
    except JwsError as exc:
        raise ProtocolError(exc.code, exc.detail) from None

    invitation = _valid_invitation(jws.claims, now)
    data = load_payload(_schema, jws.claims)
    check_not_in_future(data["issued_at"], now)
    if db.session.get(Node, data["node_id"]) is not None:
        raise ProtocolError(
            "node_exists",
            f"node {data['node_id']} is already registered, and a node id enrols only once; if its key was "
            "revoked, ask the hub's administrator for an invitation under a new node id",
        )
    if db.session.get(NodeKey, key.kid) is not None:
        raise ProtocolError("key_exists", "this key is already registered")

    node = Node(
        node_id=data["node_id"],
        name=invitation.name,
        name_given=data["name"],
        municipality=invitation.municipality,
        software=data["software"],
        enrolled_at=now,
    )
    node.area_rows = [NodeArea(area_code=code) for code in sorted(set(invitation.areas))]
    db.session.add(node)
    db.session.add(NodeKey(kid=key.kid, node_id=node.node_id, x=key.x, registered_at=now))
    invitation.used_at = now
    db.session.flush()
    record(f"node {node.node_id}", RegistryAction.ENROLL, node_id=node.node_id, kid=key.kid, detail=data["software"])
    signer = hub_signer()
    return Answer(
        201,
        {
            "node_id": node.node_id,
            "municipality": node.municipality,
            "areas": node.areas,
            "min_count": settings().min_count,
            "hub": {"hub_id": signer.hub_id, "jwks": signer.jwks},
        },
    )


def _valid_invitation(claims: dict[str, object], now: datetime) -> Invitation:
    """Step 4 for an enrollment: the token is known, unused, unexpired and for this node_id."""
    token, node_id = claims.get("token"), claims.get("node_id")
    invitation = None
    if isinstance(token, str) and 0 < len(token) <= 200:
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        raise ProtocolError("invalid_token", "the enrollment token is unknown, used or expired")
    if invitation.node_id != node_id:
        raise ProtocolError("invalid_token", "the enrollment token is for another node_id")
    return invitation
