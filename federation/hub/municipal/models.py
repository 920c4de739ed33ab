"""Municipal reports with every revision's files and signatures, the municipalities' webhooks and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.hub.extensions import db
from wijknet.web.database import enum_column, utcnow


class MunicipalReport(db.Model):
    """One revision of a municipality's report for a month or quarter: the three files as signed, kept for good.

    The files are stored as the exact bytes the hub signed, so that a
    signature can be checked against them years later; `digest` is over the
    content alone (not the revision or the moment), so that unchanged figures
    make no new revision.
    """

    __tablename__ = "municipal_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(6))
    period: Mapped[str] = mapped_column(String(7))  # `2026-10` or `2026-Q4`
    revision: Mapped[int]
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest: Mapped[str] = mapped_column(String(80))  # sha-256 of the content, `sha-256=<base64url>`
    kid: Mapped[str] = mapped_column(String(64))  # the hub key that signed the files
    json_file: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    json_signature: Mapped[str] = mapped_column(Text)
    csv_file: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    csv_signature: Mapped[str] = mapped_column(Text)
    pdf_file: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_signature: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("municipality", "period", "revision", name="uq_municipal_reports_revision"),
        Index("ix_municipal_reports_made", "municipality", "made_at"),
    )


class MunicipalWebhook(db.Model):
    """Where a municipality wants its new reports pushed, and the secret both sides sign the request with."""

    __tablename__ = "municipal_webhooks"

    municipality: Mapped[str] = mapped_column(String(6), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    # Shared with the municipality to check the HMAC header; a webhook cannot work with a hash of it.
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # not yet acknowledged; tried again at `next_attempt_at`
    DELIVERED = "delivered"  # the receiver answered 2xx
    CANCELLED = "cancelled"  # the webhook was removed or changed before an acknowledgement


class WebhookDelivery(db.Model):
    """One report revision pushed to one municipality's webhook, tried until it is acknowledged."""

    __tablename__ = "municipal_webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_pk: Mapped[int] = mapped_column(ForeignKey("municipal_reports.id"))
    municipality: Mapped[str] = mapped_column(String(6))
    url: Mapped[str] = mapped_column(String(500))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_outcome: Mapped[str | None] = mapped_column(String(300))  # `HTTP 503`, `timed out`, ...
    delivered_at: Mapped[datetime | None]

    report: Mapped[MunicipalReport] = relationship(lazy="joined")

    __table_args__ = (Index("ix_municipal_webhook_deliveries_due", "status", "next_attempt_at"),)
