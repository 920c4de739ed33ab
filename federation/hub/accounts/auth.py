"""Who is asking: the session cookie on pages, a bearer token on the API, never the other way round."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.permissions import require_role
from federation.hub.accounts.services import actor_for_user, load_user
from federation.hub.accounts.tokens import authenticate_token
from wijknet.errors import NotAuthenticated

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
csrf = CSRFProtect()


def init_auth(app: Flask) -> None:
    """Sessions for pages (Flask-Login, strong protection) and CSRF on every form."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    login_manager.init_app(app)
    # A session cookie used from another address or browser is dropped: a stolen cookie does not travel.
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_to_login_page)


def _to_login_page() -> Response:
    flash(_("Log in to see this page."), "info")
    return redirect(url_for("accounts.login_page", next=request.full_path.rstrip("?")))


def is_api_path() -> bool:
    return request.path.startswith("/api/")


def api_actor() -> HubActor:
    """The token's actor on the API; without a valid bearer token: 401.

    The API is stateless, so a browser's session cookie never authenticates it
    and cross-site requests cannot reach it.
    """
    if "hub_actor" not in g:
        header = request.headers.get("Authorization")
        if header is None:
            raise NotAuthenticated("Send an API token: 'Authorization: Bearer wkh_…'.")
        scheme, _sep, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticated("Use 'Authorization: Bearer <token>'.")
        actor = authenticate_token(raw.strip())
        if actor is None:
            raise NotAuthenticated("The token is unknown, expired or revoked.")
        g.hub_actor = actor
    return g.hub_actor


def page_actor() -> HubActor:
    """The logged-in user's actor on a page."""
    if not current_user.is_authenticated:
        raise NotAuthenticated("Log in first.")
    return actor_for_user(current_user)


def current_actor() -> HubActor:
    """The actor of this request: a token's on the API, the logged-in user's on pages."""
    return api_actor() if is_api_path() else page_actor()


def page_access(*roles: HubRole) -> Callable[[F], F]:
    """A page for logged-in users (of one of `roles`, when given); others are sent to the login page."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles:
                require_role(page_actor(), *roles)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
