"""`wijknet node sync` and the daily job: make what changed, then deliver the outbox.

A plain function for the command, the job and the API alike. It is the
edge of its work: the new revisions are committed before any is sent (the
outbox must hold them durably first), and the sender commits per message.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.federation.keys import current_key
from node.federation.link import client_for, find_link, require_link
from node.federation.reports import build_reports
from node.federation.rotation import pending_rotation
from node.federation.sender import deliver_pending
from node.federation.status import key_revoked
from schemas.node.codes import Role
from wijknet.web.database import utcnow


def sync(
    actor: Actor,
    *,
    clock: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
    now_for_all: bool = False,
) -> dict[str, Any]:
    """Build the reports whose figures changed and deliver everything due; a summary for people and scripts.

    `now_for_all`: asked by a person, so messages waiting out a backoff are tried now too.
    """
    require_role(actor, Role.ADMIN)
    link = require_link()
    summary: dict[str, Any] = {"node_id": link.node_id, "hub": link.hub_url}
    if pending_rotation() is None:
        built = build_reports(link, current_key(), clock())
        summary["periods_checked"] = built.periods_checked
        summary["revisions"] = built.revisions
        summary["min_count"] = built.min_count
    else:
        summary["revisions"] = []
        summary["note"] = "a key rotation waits to be delivered; no new reports are made until it is"
    client = client_for(link.hub_url)
    db.session.commit()
    delivered = deliver_pending(client, clock=clock, rng=rng, now_for_all=now_for_all)
    summary.update(asdict(delivered))
    summary["key_revoked"] = key_revoked(link)
    return summary


def deliver_due(*, clock: Callable[[], datetime] = utcnow) -> dict[str, Any]:
    """The frequent job: only deliver what is due (retries after backoff); nothing to do when not enrolled."""
    link = find_link()
    if link is None:
        return {"enrolled": False}
    client = client_for(link.hub_url)
    db.session.commit()
    return asdict(deliver_pending(client, clock=clock))
