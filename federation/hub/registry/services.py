"""The registry's operations: invite, suspend and reinstate nodes, revoke keys; the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.permissions import require_role
from federation.hub.extensions import db
from federation.hub.figures.models import Report
from federation.hub.registry.health import DeliveryHealth, delivery_health
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


def acting_admin(actor: HubActor | str) -> str:
    """The label of an actor who may change the registry: an administrator, or the hub itself.

    A plain label stands for the hub itself (the command line, tests); a
    person or a token must be an administrator.
    """
    if isinstance(actor, str):
        return actor
    require_role(actor, HubRole.ADMIN)
    return actor.label


def record(
    actor: str, action: RegistryAction, *, node_id: str | None = None, kid: str | None = None, detail: str | None = None
) -> None:
    db.session.add(RegistryEvent(actor=actor[:120], action=action, node_id=node_id, kid=kid, detail=detail))


@dataclass(frozen=True)
class NewInvitation:
    token: str  # shown once; only its hash is stored
    invitation: Invitation


def invite(
    actor: HubActor | str,
    *,
    node_id: str,
    name: str,
    municipality: str,
    areas: list[str],
    now: datetime,
    valid_days: int,
) -> NewInvitation:
    """An invitation for one node, with areas inside its municipality (spec section 5)."""
    actor = acting_admin(actor)
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
    registered = db.session.get(Node, node_id)
    if registered is not None:
        raise Conflict(already_registered(registered))
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


def has_usable_key(node: Node) -> bool:
    """A key that can still sign something new: neither retired by a rotation nor revoked."""
    return any(key.is_current for key in node.keys)


def already_registered(node: Node) -> str:
    """What to do instead of inviting a registered node id again: the protocol enrols a node id once."""
    if has_usable_key(node):
        return (
            f"Node {node.node_id} is already registered and has a usable key; to replace its key, "
            "the node runs `wijknet node rotate-key`."
        )
    return (
        f"Node {node.node_id} is already registered, and a node id enrols only once. It has no usable key: "
        f"invite it again under a new node id that takes over its areas, "
        f"e.g. `wijknet hub invite --node-id {suggested_node_id(node.node_id)} --replaces {node.node_id}`."
    )


def suggested_node_id(node_id: str) -> str:
    """The first free id of the form `<node_id>-2`, `-3`, ...: a new id for a node that lost its key."""
    stem, number = node_id, 2
    head, _, tail = node_id.rpartition("-")
    if head and tail.isascii() and tail.isdigit():
        stem, number = head, int(tail) + 1
    while True:
        candidate = f"{stem[: 62 - len(str(number))]}-{number}"
        if db.session.get(Node, candidate) is None:
            return candidate
        number += 1


def get_node(node_id: str) -> Node:
    node = db.session.get(Node, node_id)
    if node is None:
        raise NotFound(f"No node {node_id}.")
    return node


def suspend(actor: HubActor | str, node_id: str, now: datetime) -> Node:
    """Every later message of the node gets 403 node_suspended; what it sent before stays."""
    actor = acting_admin(actor)
    node = get_node(node_id)
    if node.status == NodeStatus.SUSPENDED:
        raise Conflict(f"Node {node_id} is already suspended.")
    node.status = NodeStatus.SUSPENDED
    node.suspended_at = now
    record(actor, RegistryAction.SUSPEND, node_id=node_id)
    return node


def reinstate(actor: HubActor | str, node_id: str) -> Node:
    actor = acting_admin(actor)
    node = get_node(node_id)
    if node.status != NodeStatus.SUSPENDED:
        raise Conflict(f"Node {node_id} is not suspended.")
    node.status = NodeStatus.ACTIVE
    node.suspended_at = None
    record(actor, RegistryAction.REINSTATE, node_id=node_id)
    return node


def revoke_key(actor: HubActor | str, kid: str, now: datetime) -> NodeKey:
    """The key was stolen: every later message signed by it gets 403 key_revoked (spec section 7)."""
    actor = acting_admin(actor)
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


# --- what the registry's pages show ------------------------------------------------------------


@dataclass(frozen=True)
class LastReport:
    period: str
    revision: int
    complete: bool
    received_at: datetime


@dataclass(frozen=True)
class NodeSummary:
    node: Node
    current_key: NodeKey | None
    last_report: LastReport | None  # the last one received, whichever month it is for
    last_complete_period: str | None
    health: DeliveryHealth


def node_overview(actor: HubActor, now: datetime, deadline_day: int) -> list[NodeSummary]:
    """Every node with its current key, last report and delivery health (administrators)."""
    require_role(actor, HubRole.ADMIN)
    return _summaries(select(Node).order_by(Node.node_id), now, deadline_day)


def node_summary(actor: HubActor, node_id: str, now: datetime, deadline_day: int) -> NodeSummary:
    """One node's summary (administrators)."""
    require_role(actor, HubRole.ADMIN)
    found = _summaries(select(Node).where(Node.node_id == node_id), now, deadline_day)
    if not found:
        raise NotFound(f"No node {node_id}.")
    return found[0]


def _summaries(nodes_stmt: Select[tuple[Node]], now: datetime, deadline_day: int) -> list[NodeSummary]:
    """Three queries whatever the number of nodes; the reports' bodies are not read."""
    nodes = list(db.session.scalars(nodes_stmt.options(selectinload(Node.keys))))
    node_ids = [node.node_id for node in nodes]
    last_ids = select(func.max(Report.id)).where(Report.node_id.in_(node_ids)).group_by(Report.node_id)
    columns = (Report.node_id, Report.period, Report.revision, Report.complete, Report.received_at)
    last_reports = {
        row.node_id: LastReport(row.period, row.revision, row.complete, row.received_at)
        for row in db.session.execute(select(*columns).where(Report.id.in_(last_ids)))
    }
    last_complete: dict[str, str] = {
        node_id: period
        for node_id, period in db.session.execute(
            select(Report.node_id, func.max(Report.period))
            .where(Report.complete, Report.node_id.in_(node_ids))
            .group_by(Report.node_id)
        )
    }
    summaries = []
    for node in nodes:
        last = last_reports.get(node.node_id)
        health = delivery_health(
            last_complete_period=last_complete.get(node.node_id),
            last_received_at=last.received_at if last else None,
            enrolled_at=node.enrolled_at,
            now=now,
            deadline_day=deadline_day,
        )
        current = next((key for key in reversed(node.keys) if key.is_current), None)
        summaries.append(NodeSummary(node, current, last, last_complete.get(node.node_id), health))
    return summaries


def pending_invitations(actor: HubActor, now: datetime) -> list[Invitation]:
    """Invitations not used yet and not expired, the soonest to expire first."""
    require_role(actor, HubRole.ADMIN)
    stmt = (
        select(Invitation)
        .where(Invitation.used_at.is_(None), Invitation.expires_at > now)
        .order_by(Invitation.expires_at, Invitation.id)
    )
    return list(db.session.scalars(stmt))


def invitations_for(actor: HubActor, node_id: str) -> list[Invitation]:
    require_role(actor, HubRole.ADMIN)
    stmt = select(Invitation).where(Invitation.node_id == node_id).order_by(Invitation.created_at.desc())
    return list(db.session.scalars(stmt))


def node_events(actor: HubActor, node_id: str, limit: int = 50) -> list[RegistryEvent]:
    """The registry's audit trail for one node, newest first."""
    require_role(actor, HubRole.ADMIN)
    stmt = (
        select(RegistryEvent)
        .where(RegistryEvent.node_id == node_id)
        .order_by(RegistryEvent.at.desc(), RegistryEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
