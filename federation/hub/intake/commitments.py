"""Commitment intake (spec section 8): capacity a node commits to a lot of an open tender."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from federation.hub.extensions import db
from federation.hub.intake.checks import (
    Answer,
    algorithms,
    check_not_in_future,
    check_standing,
    find_sender,
    load_payload,
    public_key,
    read_body,
    verify,
)
from federation.hub.signing import hub_signer
from federation.hub.tenders.models import Commitment, Lot, Tender
from federation.protocol.jws import COMPACT_MEDIA_TYPE, parse_compact
from federation.protocol.messages import COMMITMENT, UUID_PATTERN, receipt_digest
from federation.protocol.problems import ProtocolError
from schemas.federation.messages import CommitmentSchema
from wijknet.errors import FieldError

_schema = CommitmentSchema()


def accept_commitment(body: bytes, content_type: str | None, now: datetime) -> Answer:
    """Take one commitment revision; the highest revision per node and lot counts."""
    jws_bytes = read_body(body, content_type, COMPACT_MEDIA_TYPE)
    jws = parse_compact(jws_bytes, typ=COMMITMENT.typ, algorithms=algorithms())
    key = find_sender(jws.header["kid"])
    verify(jws, public_key(key))
    check_standing(key, jws.claims)

    held = _held(jws.claims.get("commitment_id"), jws_bytes)
    if held is not None:
        return held

    data = load_payload(_schema, jws.claims)
    _check_lot(data, now)
    check_not_in_future(data["issued_at"], now)
    try:
        _check_revision(key.node_id, data)
    except ProtocolError:
        held = _held(data["commitment_id"], jws_bytes)  # a copy of this request committed since step 5 looked
        if held is not None:
            return held
        raise

    digest = receipt_digest(jws_bytes)
    receipt = hub_signer().receipt(
        node_id=key.node_id,
        subject="commitment",
        subject_id=data["commitment_id"],
        revision=data["revision"],
        received_at=now,
        digest=digest,
    )
    db.session.add(
        Commitment(
            commitment_id=data["commitment_id"],
            node_id=key.node_id,
            tender_id=data["tender_id"],
            lot_id=data["lot_id"],
            revision=data["revision"],
            issued_at=data["issued_at"],
            valid_until=data["valid_until"],
            received_at=now,
            capacity=data["capacity"],
            kid=key.kid,
            jws=jws_bytes.decode("ascii"),
            digest=digest,
            receipt=receipt,
        )
    )
    db.session.flush()
    return Answer(201, {"status": "accepted", "receipt": receipt})


def _held(commitment_id: object, jws_bytes: bytes) -> Answer | None:
    """Step 5: the duplicate's answer if the hub holds this commitment_id with these bytes; None if not held."""
    if not (isinstance(commitment_id, str) and UUID_PATTERN.fullmatch(commitment_id)):  # only a UUID can be held
        return None
    held = db.session.scalar(select(Commitment).where(Commitment.commitment_id == commitment_id))
    if held is None:
        return None
    if held.jws.encode("ascii") == jws_bytes:
        return Answer(200, {"status": "duplicate", "receipt": held.receipt})
    raise ProtocolError("report_id_reused", "the hub holds this commitment_id with other content")


def _check_lot(data: dict[str, Any], now: datetime) -> None:
    """An open tender, a lot of it, and only the lot's categories."""
    tender = db.session.get(Tender, data["tender_id"])
    if tender is None:
        raise _invalid("tender_id", "No such tender.")
    if not tender.is_open(now):
        raise _invalid("tender_id", "The tender is closed.")
    lot = db.session.get(Lot, (tender.tender_id, data["lot_id"]))
    if lot is None:
        raise _invalid("lot_id", "No such lot in this tender.")
    for index, capacity in enumerate(data["capacity"]):
        if capacity["category"] not in lot.categories:
            raise _invalid(f"capacity[{index}].category", "Not a category of this lot.")


def _invalid(field: str, message: str) -> ProtocolError:
    return ProtocolError("invalid_payload", message, errors=[FieldError(field, message)])


def _check_revision(node_id: str, data: dict[str, Any]) -> None:
    same_lot = (
        Commitment.node_id == node_id,
        Commitment.tender_id == data["tender_id"],
        Commitment.lot_id == data["lot_id"],
    )
    highest = db.session.scalar(select(func.max(Commitment.revision)).where(*same_lot))
    if highest is not None and data["revision"] < highest:
        raise ProtocolError("stale_revision", f"the hub holds revision {highest} of this commitment")
    if highest is not None and data["revision"] == highest:
        raise ProtocolError("revision_conflict", f"revision {highest} arrived under another commitment_id")
