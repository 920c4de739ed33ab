"""Who may do what on the hub: plain functions that raise PermissionDenied.

Administrators do everything; analysts see every municipality's dashboards and
reports but change nothing; a municipality's user or token sees its own
municipality only. Dashboards and reports call these in their services, so
that a page or an API endpoint cannot forget them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.extensions import db
from federation.hub.registry.models import Node
from federation.protocol.areas import AreaLevel, area_level, municipality_of
from wijknet.errors import PermissionDenied


def require_role(actor: HubActor, *roles: HubRole) -> None:
    """The actor holds one of `roles`."""
    if not actor.has(*roles):
        wanted = " or ".join(r.value for r in roles)
        raise PermissionDenied(f"This needs the {wanted} role.")


def municipality_scope(actor: HubActor) -> str | None:
    """The one municipality the actor is limited to, or None when it may see every one."""
    if actor.role == HubRole.MUNICIPALITY:
        if actor.municipality is None:  # never made so by the services; refuse rather than show all
            raise PermissionDenied("This account belongs to no municipality.")
        return actor.municipality
    return None


def may_see_municipality(actor: HubActor, municipality_code: str) -> bool:
    scope = municipality_scope(actor)
    return scope is None or scope == municipality_code


def require_municipality_access(actor: HubActor, municipality_code: str) -> None:
    """The actor may see this municipality's figures and reports (a GM code)."""
    if area_level(municipality_code) != AreaLevel.MUNICIPALITY:
        raise PermissionDenied(f"{municipality_code!r} is not a municipality code.")
    if not may_see_municipality(actor, municipality_code):
        raise PermissionDenied(f"This account may only see {actor.municipality}.")


def require_area_access(actor: HubActor, area_code: str) -> None:
    """The actor may see this area (GM, WK or BU): it lies in a municipality the actor may see."""
    if area_level(area_code) is None:
        raise PermissionDenied(f"{area_code!r} is not a CBS area code.")
    require_municipality_access(actor, municipality_of(area_code))


def visible_municipalities(actor: HubActor, known: Iterable[str] | None = None) -> list[str]:
    """The municipalities the actor may see, sorted.

    A municipality's account sees its own, even before any cooperative there
    reports; the others see every one of `known` (by default: the
    municipalities of the registered nodes).
    """
    scope = municipality_scope(actor)
    if scope is not None:
        return [scope]
    if known is None:
        known = db.session.scalars(select(Node.municipality).distinct())
    return sorted(set(known))
