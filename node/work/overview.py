"""The wijkbedrijf at a glance: per partner, its assignments, the hours worked and the revenue invoiced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.work.models import Assignment, Invoice, Partner, TimeLog
from schemas.node.codes import AssignmentStatus, Role


@dataclass
class PartnerSummary:
    partner: Partner
    assignments: int
    running: int  # planned or active
    hours: Decimal
    revenue_invoiced_eur: Decimal


def partner_summaries(actor: Actor) -> list[PartnerSummary]:
    """Every partner by name with its totals, summed in SQL (coordinators, as `list_partners`)."""
    require_role(actor, Role.COORDINATOR)
    running = case((Assignment.status.in_([AssignmentStatus.PLANNED, AssignmentStatus.ACTIVE]), 1), else_=0)
    counts = (
        select(Assignment.partner_id, func.count().label("assignments"), func.sum(running).label("running"))
        .group_by(Assignment.partner_id)
        .subquery()
    )
    hours = (
        select(Assignment.partner_id, func.sum(TimeLog.hours).label("hours"))
        .join(TimeLog, TimeLog.assignment_id == Assignment.id)
        .group_by(Assignment.partner_id)
        .subquery()
    )
    revenue = (
        select(Assignment.partner_id, func.sum(Invoice.amount_eur).label("revenue"))
        .join(Invoice, Invoice.assignment_id == Assignment.id)
        .group_by(Assignment.partner_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Partner, counts.c.assignments, counts.c.running, hours.c.hours, revenue.c.revenue)
        .outerjoin(counts, counts.c.partner_id == Partner.id)
        .outerjoin(hours, hours.c.partner_id == Partner.id)
        .outerjoin(revenue, revenue.c.partner_id == Partner.id)
        .order_by(Partner.name)
    )
    zero = Decimal("0.00")
    return [
        PartnerSummary(
            partner,
            int(assignments or 0),
            int(running_count or 0),
            Decimal(hours_sum) if hours_sum is not None else zero,
            Decimal(revenue_sum) if revenue_sum is not None else zero,
        )
        for partner, assignments, running_count, hours_sum, revenue_sum in rows
    ]
