"""Key rotation (spec section 7): signed by the current key and by the new one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.intake.checks import (
    Answer,
    Sender,
    algorithms,
    check_not_in_future,
    check_standing,
    load_payload,
    public_key,
    read_body,
    verify,
)
from federation.hub.registry.models import KeyRotation, NodeKey, RegistryAction
from federation.hub.registry.services import record
from federation.hub.signing import hub_signer
from federation.protocol.encoding import EncodingError, b64url_decode
from federation.protocol.jws import GENERAL_MEDIA_TYPE, Jws, Signature, parse_general
from federation.protocol.keys import KeyFormatError, PublicKey
from federation.protocol.messages import KEY_ROTATION, receipt_digest
from federation.protocol.problems import ProtocolError
from schemas.federation.messages import KeyRotationSchema

_schema = KeyRotationSchema()


def rotate_key(body: bytes, content_type: str | None, now: datetime) -> Answer:
    """Retire the node's current key in favour of the new one; a byte-identical retry is a duplicate."""
    jws_bytes = read_body(body, content_type, GENERAL_MEDIA_TYPE)
    jws = parse_general(jws_bytes, typ=KEY_ROTATION.typ, algorithms=algorithms())
    if len(jws.signatures) != 2:
        raise ProtocolError("malformed", "a key rotation carries exactly two signatures")
    old_key, old_signature, new_signature = _registered_signature(jws)
    verify(jws, public_key(old_key), old_signature)

    # A retry must find its first answer, and the rotation it repeats has
    # retired the very key that signed it: so duplicates are looked up before
    # the key's standing, or a retried rotation could only ever get key_retired.
    held = db.session.scalar(select(KeyRotation).where(KeyRotation.digest == receipt_digest(jws_bytes)))
    if held is not None and held.body.encode("ascii") == jws_bytes:
        return Answer(200, {"status": "duplicate", "receipt": held.receipt})

    new_key = _new_key(jws.claims.get("new_key"))
    if new_key is not None:
        if new_signature.kid != new_key.kid:
            raise ProtocolError("bad_signature", "the second kid is not the thumbprint of new_key")
        verify(jws, new_key, new_signature)
    check_standing(Sender.of(old_key), jws.claims)
    if not old_key.is_current:
        raise ProtocolError("key_retired", "the signing key is not the node's current key")

    data = load_payload(_schema, jws.claims)
    check_not_in_future(data["issued_at"], now)
    assert new_key is not None  # the schema reads new_key exactly as `_new_key` does
    if db.session.get(NodeKey, new_key.kid) is not None:
        raise ProtocolError("key_exists", "new_key is already registered")

    digest = receipt_digest(jws_bytes)
    receipt = hub_signer().receipt(
        node_id=old_key.node_id, subject="key", subject_id=new_key.kid, received_at=now, digest=digest
    )
    old_key.retired_after = data["issued_at"]
    db.session.add(NodeKey(kid=new_key.kid, node_id=old_key.node_id, x=new_key.x, registered_at=now))
    db.session.add(
        KeyRotation(
            node_id=old_key.node_id,
            old_kid=old_key.kid,
            new_kid=new_key.kid,
            issued_at=data["issued_at"],
            received_at=now,
            body=jws_bytes.decode("ascii"),
            digest=digest,
            receipt=receipt,
        )
    )
    db.session.flush()
    record(f"node {old_key.node_id}", RegistryAction.ROTATE_KEY, node_id=old_key.node_id, kid=new_key.kid)
    return Answer(201, {"status": "accepted", "receipt": receipt})


def _registered_signature(jws: Jws) -> tuple[NodeKey, Signature, Signature]:
    """The signature by a registered key (the node's current one, if both are registered) and the other."""
    first, second = jws.signatures
    keys = {s.kid: db.session.get(NodeKey, s.kid) for s in (first, second)}
    if keys[first.kid] is None and keys[second.kid] is None:
        raise ProtocolError("unknown_key", "neither kid is registered at the hub")
    if keys[first.kid] is None or (keys[second.kid] is not None and keys[second.kid].is_current):
        first, second = second, first
    return keys[first.kid], first, second


def _new_key(jwk: object) -> PublicKey | None:
    """The public key in `new_key`, or None when it has none (the payload check then refuses it).

    A JWK that also holds `d` still names a public key to check the signature
    with; the payload check refuses it afterwards with invalid_payload.
    """
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        return None
    try:
        return PublicKey.from_raw(b64url_decode(jwk.get("x")))
    except (EncodingError, KeyFormatError):
        return None
