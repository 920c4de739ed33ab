"""A match: one volunteer for one help request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from node.extensions import db, enum_column
from node.help.models import HelpRequest
from node.members.models import Member
from schemas.node.codes import MatchStatus
from wijknet.web.database import utcnow


class Match(db.Model):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # The request's category, kept here so that counting by category needs no
    # lookup of the request; `update_request` moves it along with the request's.
    category: Mapped[str] = mapped_column(String(24))
    status: Mapped[MatchStatus] = mapped_column(enum_column(MatchStatus), default=MatchStatus.PROPOSED)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None]  # accepted or declined
    completed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # free text: cleared by retention

    request: Mapped[HelpRequest] = relationship(lazy="joined")
    volunteer: Mapped[Member] = relationship(foreign_keys=[volunteer_id], lazy="joined")

    __table_args__ = (
        Index("ix_matches_request", "request_id", "status"),
        Index("ix_matches_volunteer", "volunteer_id", "status"),
        # Covering for the active volunteers of a period: who accepted, in which category;
        # the second in the order they are counted in, for long periods.
        Index("ix_matches_responded", "responded_at", "status", "category", "volunteer_id"),
        Index("ix_matches_category", "category", "volunteer_id", "responded_at", "status"),
    )
