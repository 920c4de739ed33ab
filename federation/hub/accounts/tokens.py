"""API tokens for the municipality's systems: made by an administrator, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.audit import record
from federation.hub.accounts.models import AccountAction, HubApiToken
from federation.hub.accounts.permissions import require_role
from federation.hub.accounts.services import check_role_and_municipality
from federation.hub.extensions import db
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound
from wijknet.web.database import utcnow

TOKEN_PREFIX = "wkh_"  # wijknet hub; the node's are wkn_, so a token pasted in the wrong place is refused
PREFIX_SHOWN = 8
# A token's last use is written at most this often, so that reads stay reads.
LAST_USED_RESOLUTION_SECONDS = 300


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(
    actor: HubActor,
    *,
    role: HubRole,
    municipality: str | None,
    name: str,
    expires_at: datetime | None = None,
) -> tuple[str, HubApiToken]:
    """Make a token (administrators); the raw value is returned once and never stored."""
    require_role(actor, HubRole.ADMIN)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("The token needs a name.", [FieldError("name", "A name of 1 to 100 characters.")])
    municipality = check_role_and_municipality(role, municipality)
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("The expiry lies in the past.", [FieldError("expires_at", "Must be in the future.")])
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = HubApiToken(
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_SHOWN],
        role=role,
        municipality=municipality,
        created_by=actor.label[:120],
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    record(actor, AccountAction.TOKEN_CREATED, token_id=token.id, detail=name)
    return raw, token


def authenticate_token(raw: str, now: datetime | None = None) -> HubActor | None:
    """The actor behind a bearer token, or None if it is unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(HubApiToken).where(HubApiToken.token_hash == hash_token(raw)))
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        token.last_used_at = now
    return actor_for_token(token)


def actor_for_token(token: HubApiToken) -> HubActor:
    label = f"token {token.id} ({token.name})"[:120]
    return HubActor(user_id=None, token_id=token.id, role=token.role, municipality=token.municipality, label=label)


def own_token(actor: HubActor) -> HubApiToken:
    """The token the actor is acting with."""
    token = db.session.get(HubApiToken, actor.token_id) if actor.token_id is not None else None
    if token is None:
        raise NotFound("This call was not made with an API token.")
    return token


def list_tokens(actor: HubActor) -> list[HubApiToken]:
    require_role(actor, HubRole.ADMIN)
    return list(db.session.scalars(select(HubApiToken).order_by(HubApiToken.revoked_at.is_not(None), HubApiToken.id)))


def revoke_token(actor: HubActor, token_id: int) -> HubApiToken:
    require_role(actor, HubRole.ADMIN)
    token = db.session.get(HubApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise Conflict("The token was already revoked.")
    token.revoked_at = utcnow()
    record(actor, AccountAction.TOKEN_REVOKED, token_id=token.id, detail=token.name)
    return token
