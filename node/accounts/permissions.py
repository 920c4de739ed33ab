"""Permission checks: plain functions that raise PermissionDenied.

The rules, in short: a member sees and changes only their own data;
volunteers also their own offers, matches and hours; coordinators broker and
see the personal data that takes; administrators manage accounts, roles,
tokens, settings and the audit log. An administrator who should broker help
is given the coordinator role as well.
"""

from __future__ import annotations

from node.accounts.actor import Actor
from schemas.node.codes import Role
from wijknet.errors import PermissionDenied


def require_role(actor: Actor, *roles: Role) -> None:
    """The actor holds at least one of `roles`."""
    if not any(actor.has(r) for r in roles):
        wanted = " or ".join(r.value for r in roles)
        raise PermissionDenied(f"This needs the {wanted} role.")


def require_self_or_role(actor: Actor, member_id: int, *roles: Role) -> None:
    """The actor is the member concerned, or holds one of `roles`."""
    if actor.is_member(member_id):
        return
    require_role(actor, *roles)


def may_see_member(actor: Actor, member_id: int) -> bool:
    return actor.is_member(member_id) or actor.has(Role.COORDINATOR) or actor.has(Role.ADMIN)
