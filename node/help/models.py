"""Help requests and offers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from node.extensions import db, enum_column
from node.members.models import Member
from schemas.node.codes import (
    CLOSED_STATUSES,
    Frequency,
    OfferStatus,
    Recurrence,
    ReferralTarget,
    RequestStatus,
    Urgency,
)
from wijknet.web.database import utcnow

HOUR = timedelta(hours=1)


def waiting_hours(created_at: datetime, matched_at: datetime) -> int:
    """Whole hours from a request to its first accepted match, rounded down (exact: no floating point)."""
    return (matched_at - created_at) // HOUR


class HelpRequest(db.Model):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    category: Mapped[str] = mapped_column(String(24))
    # Free text written by or about the resident: cleared by erasure and retention.
    description: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    buurt_code: Mapped[str | None] = mapped_column(String(10))
    preferred_slots: Mapped[list[str]] = mapped_column(JSON, default=list)
    recurrence: Mapped[Recurrence] = mapped_column(enum_column(Recurrence), default=Recurrence.NONE)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), default=RequestStatus.OPEN)
    # One timestamp per step of the workflow; `closed_at` with `status` says
    # when it was done, cancelled or referred.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    matched_at: Mapped[datetime | None]  # the first accepted match; never reset
    # Set with matched_at (`record_first_match`): the needs analysis counts
    # requests per hour waited and finds the median among a few of them,
    # instead of sorting every waiting time of the period.
    waiting_hours: Mapped[int | None]
    started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    referral_to: Mapped[ReferralTarget | None] = mapped_column(enum_column(ReferralTarget))
    closing_note: Mapped[str | None] = mapped_column(Text)  # why cancelled or referred; free text
    text_cleared_at: Mapped[datetime | None]  # set when retention emptied the free text
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    requester: Mapped[Member] = relationship(foreign_keys=[requester_id], lazy="joined")

    __table_args__ = (
        # Covering indexes for the needs analysis and the monthly figures:
        # range on the instant, grouped by category and buurt.
        Index("ix_help_requests_created", "created_at", "category", "buurt_code", "status"),
        # Also "open at a moment": (no match, no close, made before) and (matched after) are ranges here.
        Index(
            "ix_help_requests_matched",
            *("matched_at", "closed_at", "created_at", "category", "buurt_code", "waiting_hours"),
        ),
        # The needs analysis over long periods reads these whole, in the order it groups by,
        # rather than a range it would have to sort (see `node.needs.services`).
        Index("ix_help_requests_category", "category", "buurt_code", "created_at"),
        Index("ix_help_requests_waiting", "category", "waiting_hours", "buurt_code", "matched_at", "created_at"),
        Index("ix_help_requests_closed", "closed_at", "status", "category", "buurt_code"),
        Index("ix_help_requests_status", "status", "urgency", "created_at"),
    )

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def record_first_match(self, instant: datetime) -> None:
        """A match was accepted at `instant`: the first one ends the waiting, later ones change nothing."""
        if self.matched_at is None:
            self.matched_at = instant
            self.waiting_hours = waiting_hours(self.created_at, instant)


class HelpOffer(db.Model):
    __tablename__ = "help_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), default=Frequency.OCCASIONALLY)
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus), default=OfferStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    volunteer: Mapped[Member] = relationship(lazy="joined")
    category_rows: Mapped[list[OfferCategory]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", lazy="selectin"
    )
    status_changes: Mapped[list[OfferStatusChange]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferStatusChange.id"
    )

    @property
    def categories(self) -> list[str]:
        return sorted(c.category for c in self.category_rows)


class OfferCategory(db.Model):
    __tablename__ = "offer_categories"

    offer_id: Mapped[int] = mapped_column(ForeignKey("help_offers.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)

    offer: Mapped[HelpOffer] = relationship(back_populates="category_rows")


class OfferStatusChange(db.Model):
    """The history of an offer's status, so 'active at the end of a month' can be counted later."""

    __tablename__ = "offer_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("help_offers.id", ondelete="CASCADE"))
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    offer: Mapped[HelpOffer] = relationship(back_populates="status_changes")

    __table_args__ = (Index("ix_offer_status_changes_offer_at", "offer_id", "changed_at"),)
