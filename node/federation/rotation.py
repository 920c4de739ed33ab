"""Rotating the node's key (spec section 7): signed by the current key and the new one.

The rotation goes through the outbox like any message. While it waits, the
node signs nothing new: a report signed with the old key after the
rotation's `issued_at` would be refused as key_retired, and one signed with
the new key before the hub knows it as unknown_key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from federation.protocol import envelopes
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.federation.keys import current_key, discard_next_key, next_key
from node.federation.link import require_link
from node.federation.models import OutboxItem, OutboxKind, OutboxState
from schemas.node.codes import AuditAction, Role
from wijknet.errors import Conflict


def pending_rotation() -> OutboxItem | None:
    return db.session.scalar(
        select(OutboxItem).where(OutboxItem.kind == OutboxKind.KEY_ROTATION, OutboxItem.state == OutboxState.PENDING)
    )


def start_rotation(actor: Actor, now: datetime) -> OutboxItem:
    """Make the new key and put the signed rotation in the outbox."""
    require_role(actor, Role.ADMIN)
    link = require_link()
    if pending_rotation() is not None:
        raise Conflict("A key rotation is already waiting to be delivered.")
    discard_next_key()  # left over from a rotation the hub refused
    current, new = current_key(), next_key(create=True)
    assert new is not None
    envelope = envelopes.key_rotation(current, new, node_id=link.node_id, issued_at=now)
    item = OutboxItem(
        kind=OutboxKind.KEY_ROTATION,
        subject_id=new.kid,
        body=envelope.body,
        media_type=envelope.media_type,
        endpoint="keys",
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(item)
    db.session.flush()
    record(actor, AuditAction.UPDATE, "hub_link", link.id, detail=f"key rotation to {new.kid} started")
    return item
