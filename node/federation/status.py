"""What the node's administrator sees of the federation: the link, deliveries, receipts, failures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from federation.protocol.encoding import EncodingError, b64url_decode, json_loads, json_object
from federation.protocol.messages import parse_timestamp
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.federation.enrollment import uncovered_areas
from node.federation.link import find_link
from node.federation.models import HubLink, OutboxItem, OutboxState, PublishedPeriod
from node.federation.rotation import pending_rotation
from schemas.node.codes import Role
from wijknet.errors import Conflict, NotFound
from wijknet.web.database import utcnow
from wijknet.web.pagination import Page, paginate


def receipt_payload(receipt: str | None) -> dict[str, Any] | None:
    """What a stored (and verified) receipt says."""
    if receipt is None:
        return None
    try:
        return json_object(b64url_decode(receipt.split(".")[1]))
    except (EncodingError, IndexError):
        return None


def problem_of(item: OutboxItem) -> dict[str, Any] | None:
    """The hub's problem document for a message, or the error text as one."""
    if item.last_error is None:
        return None
    try:
        problem = json_loads(item.last_error)
    except EncodingError:
        return {"detail": item.last_error}
    return problem if isinstance(problem, dict) else {"detail": item.last_error}


REVOKED_KEY_ADVICE = (
    "The hub revoked this node's signing key and refuses everything it signs. A node id enrols only once: ask "
    "the hub's administrator for an invitation under a new node id, then run "
    "`wijknet node enroll --again --hub URL --node-id NEW_ID --token TOKEN`."
)


def key_revoked(link: HubLink) -> bool:
    """Has the hub refused a message signed with the node's current key as key_revoked?"""
    refused = db.session.scalars(
        select(OutboxItem.body).where(
            OutboxItem.state == OutboxState.FAILED, OutboxItem.last_error.contains('"key_revoked"')
        )
    )
    return any(_signing_kid(body) == link.kid for body in refused)


def _signing_kid(body: str) -> str | None:
    """The kid of a compact JWS (reports, commitments); a rotation's two signatures never stand alone."""
    try:
        kid = json_object(b64url_decode(body.split(".", 1)[0])).get("kid")
    except EncodingError:
        return None
    return kid if isinstance(kid, str) else None


def federation_status(actor: Actor) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    link = find_link()
    if link is None:
        return {"enrolled": False}
    counts = dict(db.session.execute(select(OutboxItem.state, func.count()).group_by(OutboxItem.state)).all())
    last = db.session.scalar(
        select(OutboxItem).where(OutboxItem.state == OutboxState.DELIVERED).order_by(OutboxItem.delivered_at.desc())
    )
    waiting = db.session.scalar(
        select(OutboxItem).where(OutboxItem.state == OutboxState.PENDING).order_by(OutboxItem.id).limit(1)
    )
    failed = db.session.scalars(
        select(OutboxItem).where(OutboxItem.state == OutboxState.FAILED).order_by(OutboxItem.id.desc()).limit(20)
    )
    return {
        "enrolled": True,
        "hub": {"url": link.hub_url, "hub_id": link.hub_id, "min_count": link.min_count},
        "node_id": link.node_id,
        "municipality": link.municipality,
        "areas": link.areas,
        "areas_not_covered": uncovered_areas(link),
        "kid": link.kid,
        "enrolled_at": link.enrolled_at,
        "key_rotation_pending": pending_rotation() is not None,
        "key_revoked": key_revoked(link),
        "outbox": {state.value: counts.get(state, 0) for state in OutboxState},
        "last_delivery": None if last is None else outbox_view(last),
        "next_attempt": None if waiting is None else outbox_view(waiting),
        "failures": [outbox_view(item) for item in failed],
        "periods": [
            {"period": p.period, "revision": p.revision, "complete": p.complete, "made_at": p.made_at}
            for p in db.session.scalars(select(PublishedPeriod).order_by(PublishedPeriod.period.desc()).limit(24))
        ],
    }


def outbox_view(item: OutboxItem) -> dict[str, Any]:
    """A message as the administrator sees it: no body, the hub's problem and receipt spelled out."""
    receipt = receipt_payload(item.receipt)
    return {
        "id": item.id,
        "kind": item.kind.value,
        "period": item.period,
        "revision": item.revision,
        "state": item.state.value,
        "attempts": item.attempts,
        "created_at": item.created_at,
        "last_attempt_at": item.last_attempt_at,
        "next_attempt_at": item.next_attempt_at if item.state == OutboxState.PENDING else None,
        "delivered_at": item.delivered_at,
        "problem": problem_of(item),
        "receipt": receipt,
        "receipt_received_at": _instant(receipt.get("received_at")) if receipt else None,
    }


def _instant(text: object) -> datetime | None:
    try:
        return parse_timestamp(text)  # type: ignore[arg-type]
    except ValueError:
        return None


def list_outbox(actor: Actor, state: OutboxState | None, page: int, page_size: int) -> Page[OutboxItem]:
    require_role(actor, Role.ADMIN)
    stmt = select(OutboxItem).order_by(OutboxItem.id.desc())
    if state is not None:
        stmt = stmt.where(OutboxItem.state == state)
    return paginate(db.session, stmt, page, page_size)


def retry_failed(actor: Actor, item_id: int) -> OutboxItem:
    """Send a refused message again (after the hub's administrator put right what was wrong)."""
    require_role(actor, Role.ADMIN)
    item = db.session.get(OutboxItem, item_id)
    if item is None:
        raise NotFound("No such message in the outbox.")
    if item.state != OutboxState.FAILED:
        raise Conflict(f"This message is {item.state.value}, not failed.")
    item.state = OutboxState.PENDING
    item.next_attempt_at = utcnow()
    db.session.flush()
    return item
