"""One line of the audit log. It names ids, never the personal data itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from node.extensions import db, enum_column
from schemas.node.codes import AuditAction
from wijknet.web.database import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    actor_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(120))  # "member 12", "token 3 (planning)", "system"
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    subject_member_id: Mapped[int | None] = mapped_column(index=True)  # whose personal data it was
    detail: Mapped[str | None] = mapped_column(String(500))  # field names, counts: no values

    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)
