"""Recording and reading the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.models import AuditAction, AuditEvent
from node.extensions import db
from schemas.node.codes import Role
from wijknet.web.pagination import Page, paginate


def record(
    actor: Actor,
    action: AuditAction,
    subject_type: str,
    subject_id: int | None = None,
    *,
    subject_member_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Add one line to the audit log (flushed with the caller's transaction)."""
    db.session.add(
        AuditEvent(
            actor_member_id=actor.member_id,
            actor_token_id=actor.token_id,
            actor_label=actor.label[:120],
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_member_id=subject_member_id,
            detail=detail[:500] if detail else None,
        )
    )


def changed_fields(changes: dict[str, object]) -> str:
    """The names of changed fields, never their values (values may be personal)."""
    return "fields: " + ", ".join(sorted(changes)) if changes else "no changes"


def list_events(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    subject_member_id: int | None = None,
    actor_member_id: int | None = None,
    action: AuditAction | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEvent]:
    require_role(actor, Role.ADMIN)
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if subject_member_id is not None:
        stmt = stmt.where(AuditEvent.subject_member_id == subject_member_id)
    if actor_member_id is not None:
        stmt = stmt.where(AuditEvent.actor_member_id == actor_member_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    return paginate(db.session, stmt, page, page_size)


def events_about_member(member_id: int) -> list[AuditEvent]:
    """Who looked at or changed this member's data (for the member's own export)."""
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.subject_member_id == member_id).order_by(AuditEvent.id))
    )
