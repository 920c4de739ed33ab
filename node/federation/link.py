"""The node's link to its hub, and a client for it."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from federation.delivery.client import HubClient
from federation.protocol.envelopes import hub_keys
from federation.protocol.keys import PublicKey
from node.extensions import db
from node.federation.models import HubLink
from wijknet import __version__
from wijknet.errors import Conflict

SOFTWARE = f"wijknet {__version__}"


def find_link() -> HubLink | None:
    return db.session.scalar(select(HubLink))


def require_link() -> HubLink:
    link = find_link()
    if link is None:
        raise Conflict("This node is not enrolled at a hub yet; run `wijknet node enroll` first.")
    return link


def client_for(hub_url: str) -> HubClient:
    timeout = current_app.extensions["wijknet.settings"].hub_timeout_seconds
    return HubClient(hub_url, timeout=timeout, software=SOFTWARE)


def keys_of(link: HubLink) -> dict[str, PublicKey]:
    return hub_keys(link.hub_jwks)


def refresh_hub_keys(link: HubLink, client: HubClient) -> dict[str, Any]:
    """Fetch the hub's keys again from discovery (a receipt named a kid the node did not know)."""
    document = client.discovery()
    if isinstance(document.get("jwks"), dict):
        link.hub_jwks = document["jwks"]
    if isinstance(document.get("min_count"), int):
        link.min_count = document["min_count"]
    db.session.flush()
    return link.hub_jwks
