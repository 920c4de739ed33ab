"""The registry's operations: invite, suspend and reinstate nodes, revoke keys; the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.registry.models import (
    Invitation,
    Node,
    NodeKey,
    NodeStatus,
    RegistryAction,
    RegistryEvent,
)
from federation.protocol.areas import AreaLevel, area_level, contains
from federation.protocol.messages import NODE_ID_PATTERN
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound

TOKEN_BYTES = 32  # 256 random bits; the protocol asks for at least 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def record(
    actor: str, action: RegistryAction, *, node_id: str | None = None, kid: str | None = None, detail: str | None = None
) -> None:
    db.session.add(RegistryEvent(actor=actor[:120], action=action, node_id=node_id, kid=kid, detail=detail))


@dataclass(frozen=True)
class NewInvitation:
    token: str  # shown once; only its hash is stored
    invitation: Invitation


def invite(
    actor: str,
    *,
    node_id: str,
    name: str,
    municipality: str,
    areas: list[str],
    now: datetime,
    valid_days: int,
) -> NewInvitation:
    """An invitation for one node, with areas inside its municipality (spec section 5)."""
    errors = []
    if not NODE_ID_PATTERN.match(node_id or ""):
        errors.append(FieldError("node_id", "Lower-case letters, digits and '-', 2 to 63 long, e.g. zuilen."))
    if not name.strip() or len(name) > 200:
        errors.append(FieldError("name", "A name of 1 to 200 characters."))
    if area_level(municipality) != AreaLevel.MUNICIPALITY:
        errors.append(FieldError("municipality", "A CBS municipality code like GM0344."))
    if not areas:
        errors.append(FieldError("areas", "At least one area."))
    for area in areas:
        if area_level(area) is None:
            errors.append(FieldError("areas", f"{area} is not a CBS code (GM, WK or BU)."))
        elif area_level(municipality) == AreaLevel.MUNICIPALITY and not contains(municipality, area):
            errors.append(FieldError("areas", f"{area} does not lie in {municipality}."))
    if errors:
        raise InvalidInput("The invitation cannot be made.", errors)
    if db.session.get(Node, node_id) is not None:
        raise Conflict(f"Node {node_id} is already registered.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        node_id=node_id,
        name=name.strip(),
        municipality=municipality,
        areas=sorted(set(areas)),
        token_hash=hash_token(token),
        created_at=now,
        created_by=actor[:120],
        expires_at=now + timedelta(days=valid_days),
    )
    db.session.add(invitation)
    db.session.flush()
    record(actor, RegistryAction.INVITE, node_id=node_id, detail=", ".join(invitation.areas))
    return NewInvitation(token, invitation)


def get_node(node_id: str) -> Node:
    node = db.session.get(Node, node_id)
    if node is None:
        raise NotFound(f"No node {node_id}.")
    return node


def suspend(actor: str, node_id: str, now: datetime) -> Node:
    """Every later message of the node gets 403 node_suspended; what it sent before stays."""
    node = get_node(node_id)
    if node.status == NodeStatus.SUSPENDED:
        raise Conflict(f"Node {node_id} is already suspended.")
    node.status = NodeStatus.SUSPENDED
    node.suspended_at = now
    record(actor, RegistryAction.SUSPEND, node_id=node_id)
    return node


def reinstate(actor: str, node_id: str) -> Node:
    node = get_node(node_id)
    if node.status != NodeStatus.SUSPENDED:
        raise Conflict(f"Node {node_id} is not suspended.")
    node.status = NodeStatus.ACTIVE
    node.suspended_at = None
    record(actor, RegistryAction.REINSTATE, node_id=node_id)
    return node


def revoke_key(actor: str, kid: str, now: datetime) -> NodeKey:
    """The key was stolen: every later message signed by it gets 403 key_revoked (spec section 7)."""
    key = db.session.get(NodeKey, kid)
    if key is None:
        raise NotFound(f"No key {kid}.")
    if key.revoked_at is not None:
        raise Conflict(f"Key {kid} was already revoked.")
    key.revoked_at = now
    record(actor, RegistryAction.REVOKE_KEY, node_id=key.node_id, kid=kid)
    return key


def list_nodes() -> list[Node]:
    return list(db.session.scalars(select(Node).order_by(Node.node_id)))
