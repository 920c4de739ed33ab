"""Enrolling again under a new node id after the hub revoked the node's key (spec sections 5 and 7).

A revoked key can sign nothing the hub accepts, a rotation too (it must be
signed by the current key), and the hub enrols a node id only once. So the
node comes back as a new node: a new key, enrolled with an invitation for a
new node id, and every month sent again under that id. The outbox keeps its
history; messages signed with the revoked key are set aside unsent, and the
record of what was published starts afresh so that the next sync makes
revision 1 of every month for the new node id.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select

from federation.delivery.client import HubClient
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.federation.enrollment import apply_enrollment, check_node_id, request_enrollment
from node.federation.keys import discard_next_key, next_key, promote_next_key
from node.federation.link import require_link
from node.federation.models import HubLink, OutboxItem, OutboxState, PublishedPeriod
from schemas.node.codes import AuditAction, Role
from wijknet.errors import Conflict


def enroll_again(actor: Actor, client: HubClient, *, node_id: str, token: str, now: datetime) -> HubLink:
    """Make a new key, enrol it under the new node id, and start publishing afresh."""
    require_role(actor, Role.ADMIN)
    link = require_link()
    old_node_id = link.node_id
    if node_id == old_node_id:
        raise Conflict(
            f"The hub enrols the node id {node_id} only once. Ask the hub's administrator for an invitation "
            f"under a new node id (`wijknet hub invite --node-id NEW_ID --replaces {node_id}`)."
        )
    check_node_id(node_id)
    # The new key waits beside the old one until the hub has it: a refused enrollment leaves the node as it was.
    # What lies there is a rotation's key, and a rotation signed with a revoked key can never be accepted.
    discard_next_key()
    key = next_key(create=True)
    assert key is not None
    enrollment = request_enrollment(client, key, node_id=node_id, token=token, now=now)
    promote_next_key(key.kid)
    apply_enrollment(link, client, enrollment, now)
    link.kid = key.kid
    set_aside = _set_aside_pending(old_node_id, link.node_id, now)
    db.session.execute(delete(PublishedPeriod))
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "hub_link",
        link.id,
        detail=f"enrolled again at {link.hub_id} as {link.node_id} (was {old_node_id}); {set_aside} messages set aside",
    )
    return link


def _set_aside_pending(old_node_id: str, new_node_id: str, now: datetime) -> int:
    """Messages still waiting were signed with the revoked key: the hub would refuse them, so they stay unsent."""
    problem = json.dumps(
        {
            "title": "Not sent",
            "detail": f"Signed with the revoked key of {old_node_id}; the node enrolled again as {new_node_id} "
            "and sends its figures anew under that id.",
        }
    )
    pending = db.session.scalars(select(OutboxItem).where(OutboxItem.state == OutboxState.PENDING)).all()
    for item in pending:
        item.state, item.last_error, item.last_attempt_at = OutboxState.FAILED, problem, now
    return len(pending)
