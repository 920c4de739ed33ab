"""Delivering the outbox (spec section 6.1), oldest first, until every message has a verified receipt.

This is the edge of its own job: it commits after each message and never
holds a transaction open across a network call (on SQLite that would keep
the node's writers waiting for the hub). One sender runs per node at a time,
guarded by a lock like the scheduler's, so the daily job and `wijknet node
sync` cannot send the same message twice at once (which would be harmless,
but noisy).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from federation.delivery.backoff import retry_delay
from federation.delivery.client import DeliveryError, HubClient, PermanentError, TransientError, problem_text
from federation.protocol.envelopes import Envelope, ReceiptError, receipt_kid, verify_receipt
from node.extensions import db
from node.federation.keys import promote_next_key
from node.federation.link import keys_of, refresh_hub_keys, require_link
from node.federation.models import HubLink, OutboxItem, OutboxKind, OutboxState
from wijknet.web.database import utcnow
from wijknet.web.scheduling import lock_for

log = logging.getLogger(__name__)


@dataclass
class DeliverySummary:
    delivered: int = 0
    failed: int = 0  # refused for good in this run
    waiting: int = 0  # still pending after this run
    busy: bool = False  # another sender was at work
    errors: list[str] = field(default_factory=list)


def deliver_pending(
    client: HubClient,
    *,
    clock: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
    now_for_all: bool = False,
) -> DeliverySummary:
    """Send what is due, in order of creation; stop at the first message that must wait.

    `now_for_all`: a person asked to send now, so waiting messages go now
    too instead of when their backoff runs out (they may know the hub is back).
    """
    summary = DeliverySummary()
    lock = lock_for(db.engine, Path(current_app.instance_path), "sender")
    if not lock.try_acquire():
        summary.busy = True
        return summary
    try:
        while True:
            item = _next_due(clock(), now_for_all)
            if item is None:
                break
            outcome = _deliver(item, client, clock, rng)
            db.session.commit()
            if outcome == OutboxState.DELIVERED:
                summary.delivered += 1
            elif outcome == OutboxState.FAILED:
                summary.failed += 1
                summary.errors.append(f"{item.kind.value} {item.period or item.subject_id}: {item.last_error}")
            else:
                summary.errors.append(f"{item.kind.value} {item.period or item.subject_id}: {item.last_error}")
                break  # the hub is unwell: later messages wait their turn behind this one
        summary.waiting = len(_pending())
        db.session.commit()
    finally:
        lock.release()
    return summary


def _pending() -> list[OutboxItem]:
    pending = select(OutboxItem).where(OutboxItem.state == OutboxState.PENDING).order_by(OutboxItem.id)
    return list(db.session.scalars(pending))


def _next_due(now: datetime, now_for_all: bool) -> OutboxItem | None:
    """The oldest pending message, if its time has come; a later one never overtakes it."""
    item = db.session.scalar(
        select(OutboxItem).where(OutboxItem.state == OutboxState.PENDING).order_by(OutboxItem.id).limit(1)
    )
    if item is None or (item.next_attempt_at > now and not now_for_all):
        return None
    return item


def _deliver(
    item: OutboxItem, client: HubClient, clock: Callable[[], datetime], rng: random.Random | None
) -> OutboxState:
    link = require_link()
    path = link.endpoints[item.endpoint]
    body = item.body
    db.session.commit()  # no transaction stays open while the request is on its way
    try:
        accepted = client.send(path, Envelope(body, item.media_type))
        receipt = accepted.body.get("receipt")
        if not isinstance(receipt, str):
            raise TransientError(f"the hub answered {accepted.status} without a receipt")
        _verify(receipt, link, client, body)
    except PermanentError as exc:
        item.state = OutboxState.FAILED
        item.last_error = problem_text(exc)
        item.attempts += 1
        item.last_attempt_at = clock()
        log.warning("the hub refused %s %s for good: %s", item.kind.value, item.subject_id, exc)
        return OutboxState.FAILED
    except (TransientError, ReceiptError) as exc:
        now = clock()
        item.attempts += 1
        item.last_attempt_at = now
        item.last_error = problem_text(exc) if isinstance(exc, DeliveryError) else str(exc)
        retry_after = exc.retry_after if isinstance(exc, TransientError) else None
        item.next_attempt_at = now + retry_delay(item.attempts, retry_after=retry_after, rng=rng)
        log.info("%s %s: retry at %s: %s", item.kind.value, item.subject_id, item.next_attempt_at, exc)
        return OutboxState.PENDING
    now = clock()
    item.state = OutboxState.DELIVERED
    item.receipt = receipt
    item.delivered_at = now
    item.last_attempt_at = now
    item.attempts += 1
    item.last_error = None
    if item.kind == OutboxKind.KEY_ROTATION:
        link.kid = promote_next_key(item.subject_id).kid
    return OutboxState.DELIVERED


def _verify(receipt: str, link: HubLink, client: HubClient, sent: str) -> None:
    """Check the receipt's signature and digest; learn the hub's keys again if it names a new one."""
    keys = keys_of(link)
    if receipt_kid(receipt) not in keys:
        refresh_hub_keys(link, client)
        keys = keys_of(link)
    verify_receipt(receipt, keys, sent, node_id=link.node_id)
