"""Who is asking: a bearer token on the API, the session cookie on pages."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from node.accounts.actor import Actor
from node.accounts.services import actor_for_account, authenticate_token
from wijknet.errors import NotAuthenticated


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _resolve_actor() -> Actor | None:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated("Use 'Authorization: Bearer <token>'.")
        actor = authenticate_token(raw.strip())
        if actor is None:
            raise NotAuthenticated("The token is unknown, expired or revoked.")
        return actor
    # The API is stateless (a bearer token on every call), so a browser's
    # session cookie never authenticates it and CSRF cannot reach it.
    if not is_api_request() and current_user.is_authenticated:
        return actor_for_account(current_user)
    return None


def optional_actor() -> Actor | None:
    """The actor, or None for an anonymous request."""
    if "actor" not in g:
        g.actor = _resolve_actor()
    return g.actor


def require_actor() -> Actor:
    """The actor; an anonymous request gets 401."""
    actor = optional_actor()
    if actor is None:
        raise NotAuthenticated("Log in, or send an API token.")
    return actor
