"""The account events: logins, failed logins, and changes to users and tokens."""

from __future__ import annotations

from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.models import AccountAction, AccountEvent
from federation.hub.accounts.permissions import require_role
from federation.hub.extensions import db


def record(
    actor: HubActor | str,
    action: AccountAction,
    *,
    user_id: int | None = None,
    token_id: int | None = None,
    detail: str | None = None,
) -> None:
    label = actor if isinstance(actor, str) else actor.label
    db.session.add(
        AccountEvent(
            actor=label[:120], action=action, user_id=user_id, token_id=token_id, detail=detail and detail[:300]
        )
    )


def recent_events(actor: HubActor, limit: int = 20) -> list[AccountEvent]:
    """The latest account events, newest first (administrators)."""
    require_role(actor, HubRole.ADMIN)
    return list(db.session.scalars(select(AccountEvent).order_by(AccountEvent.id.desc()).limit(limit)))
