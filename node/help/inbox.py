"""The coordinator's inbox: how many requests there are per category, counted in the database."""

from __future__ import annotations

from sqlalchemy import func, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.help.models import HelpRequest
from schemas.node.codes import RequestStatus, Role


def count_per_category(
    actor: Actor, statuses: list[RequestStatus] | None = None, buurt_code: str | None = None
) -> dict[str, int]:
    """Requests per category code among those with `statuses` (all if None) in `buurt_code` (all if None)."""
    require_role(actor, Role.COORDINATOR)
    stmt = select(HelpRequest.category, func.count()).group_by(HelpRequest.category)
    if statuses:
        stmt = stmt.where(HelpRequest.status.in_(statuses))
    if buurt_code:
        stmt = stmt.where(HelpRequest.buurt_code == buurt_code)
    return {category: count for category, count in db.session.execute(stmt)}
