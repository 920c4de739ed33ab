"""The node's federation state: its link to the hub, what it published, and the outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from node.extensions import db, enum_column
from wijknet.web.database import utcnow


class HubLink(db.Model):
    """The hub this node is enrolled at (one row), as its enrollment answer and discovery told it."""

    __tablename__ = "hub_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_url: Mapped[str] = mapped_column(String(300))
    hub_id: Mapped[str] = mapped_column(String(100))
    node_id: Mapped[str] = mapped_column(String(63))
    municipality: Mapped[str] = mapped_column(String(6))
    areas: Mapped[list[str]] = mapped_column(JSON)
    min_count: Mapped[int]  # the hub's; the node publishes with the higher of this and its own
    hub_jwks: Mapped[dict[str, Any]] = mapped_column(JSON)  # refreshed when a receipt names an unknown kid
    endpoints: Mapped[dict[str, str]] = mapped_column(JSON)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    kid: Mapped[str] = mapped_column(String(64))  # the node's current key at the hub


class PublishedPeriod(db.Model):
    """The newest revision the node made of one month, and a digest of its figures.

    A new revision is made only when the figures' digest changes: late
    entries and corrections, never a mere re-run.
    """

    __tablename__ = "published_periods"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    revision: Mapped[int]
    figures_digest: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[str] = mapped_column(String(36))
    complete: Mapped[bool]
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxKind(StrEnum):
    REPORT = "report"
    KEY_ROTATION = "key_rotation"
    COMMITMENT = "commitment"


class OutboxState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"  # a verified receipt is stored
    FAILED = "failed"  # refused for good (a 4xx other than 408/429); shown to the administrator


class OutboxItem(db.Model):
    """One signed message, kept byte for byte until the hub's receipt for it is verified and stored."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(enum_column(OutboxKind))
    subject_id: Mapped[str] = mapped_column(String(64))  # report_id, new kid or commitment_id
    period: Mapped[str | None] = mapped_column(String(7))
    revision: Mapped[int | None]
    body: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(40))
    endpoint: Mapped[str] = mapped_column(String(20))  # a key of discovery's `endpoints`
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)  # the hub's problem document, or what went wrong
    receipt: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_state", "state", "id"),)
