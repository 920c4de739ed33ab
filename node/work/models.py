"""Time logs, partners, assignments and invoices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from node.extensions import db, enum_column
from node.matching.models import Match
from node.members.models import Member
from schemas.node.codes import AssignmentStatus, PartnerKind
from wijknet.web.database import utcnow


class Partner(db.Model):
    """An organisation that commissions work from the wijkbedrijf."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(db.Model):
    """Work commissioned by a partner (wijkbedrijf): paid or voluntary, with a budget."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(24))
    buurt_code: Mapped[str | None] = mapped_column(String(10))
    paid: Mapped[bool] = mapped_column(default=True)
    budget_eur: Mapped[Decimal | None] = mapped_column("budget_cents")
    status: Mapped[AssignmentStatus] = mapped_column(enum_column(AssignmentStatus), default=AssignmentStatus.PLANNED)
    # The dates are the history ("running at the end of a month"); status is the workflow.
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined")
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="assignment", order_by="Invoice.invoiced_on", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_assignments_dates", "starts_on", "ends_on", "category"),)


class Invoice(db.Model):
    """Revenue invoiced for an assignment."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    invoiced_on: Mapped[date] = mapped_column(index=True)
    amount_eur: Mapped[Decimal] = mapped_column("amount_cents")
    reference: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="invoices")

    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)


class TimeLog(db.Model):
    """Hours by one person on a match or on an assignment (inzet), paid or unpaid."""

    __tablename__ = "time_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    # The category the hours count under: the match's request's, or the
    # assignment's; kept true when either is corrected.
    category: Mapped[str] = mapped_column(String(24))
    worked_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column("hours_hundredths")
    paid: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))  # free text: cleared by retention
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")
    match: Mapped[Match | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()

    __table_args__ = (
        CheckConstraint("(match_id IS NULL) <> (assignment_id IS NULL)", name="on_match_or_assignment"),
        CheckConstraint("hours_hundredths > 0 AND hours_hundredths <= 2400", name="hours_in_a_day"),
        # Covering for the active volunteers of a period: unpaid hours, by whom, in which category;
        # the second in the order they are counted in, for long periods.
        Index("ix_time_logs_worked", "worked_on", "paid", "category", "member_id"),
        Index("ix_time_logs_category", "category", "member_id", "worked_on", "paid"),
        Index("ix_time_logs_match", "match_id"),
        Index("ix_time_logs_assignment", "assignment_id"),
        Index("ix_time_logs_member", "member_id", "worked_on"),
    )


class VolunteerActivity(db.Model):
    """In which months of a year a member accepted a match or logged unpaid hours in a category.

    Derived from the matches and time logs, and kept by `node.needs.activity`
    whenever they change: counting the active volunteers of five years then
    reads one row per volunteer, category and year instead of every match and
    every hour (more than two million on a node with a million requests).
    """

    __tablename__ = "volunteer_activity"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    months: Mapped[int]  # bit m - 1 set: active in month m (Amsterdam) of the year; never 0

    __table_args__ = (
        CheckConstraint("months > 0 AND months < 4096", name="some_months_of_a_year"),
        # Read whole in the order the volunteers are counted in.
        Index("ix_volunteer_activity_category", "category", "member_id", "year", "months"),
    )
