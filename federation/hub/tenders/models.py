"""Tenders with lots by area and category, and the nodes' signed capacity commitments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.hub.extensions import db
from wijknet.web.database import utcnow


class Tender(db.Model):
    """A municipal tender (aanbesteding) for social brokerage, in lots."""

    __tablename__ = "tenders"

    tender_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    municipality: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(40), default="open")
    deadline: Mapped[datetime]
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lots: Mapped[list[Lot]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Lot.lot_id", lazy="selectin"
    )

    def is_open(self, now: datetime) -> bool:
        """A tender is closed when its status is not open or its deadline has passed (spec section 8)."""
        return self.status == "open" and now < self.deadline


class Lot(db.Model):
    __tablename__ = "lots"

    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.tender_id", ondelete="CASCADE"), primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    areas: Mapped[list[str]] = mapped_column(JSON)
    categories: Mapped[list[str]] = mapped_column(JSON)
    required_hours_per_month: Mapped[Decimal] = mapped_column("required_hours_per_month_hundredths")

    tender: Mapped[Tender] = relationship(back_populates="lots")


class Commitment(db.Model):
    """One revision of a node's signed commitment to a lot, kept verbatim with its receipt."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[str] = mapped_column(String(36), unique=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"))
    tender_id: Mapped[str] = mapped_column(String(100))
    lot_id: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int]
    issued_at: Mapped[datetime]
    valid_until: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    capacity: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{"category", "hours_per_month"}]
    kid: Mapped[str] = mapped_column(String(64))
    jws: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(60))
    receipt: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("node_id", "tender_id", "lot_id", "revision", name="uq_commitments_node_lot_revision"),
        Index("ix_commitments_lot", "tender_id", "lot_id", "node_id"),
    )
