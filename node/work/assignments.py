"""The wijkbedrijf's assignments: partners, the work they commission, and invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from federation.protocol.periods import period_of_date
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.areas.services import check_buurt
from node.audit.services import changed_fields, record
from node.extensions import db
from node.needs.activity import refresh_activities
from node.work.models import Assignment, Invoice, Partner, TimeLog
from schemas.node.codes import AssignmentStatus, AuditAction, PartnerKind, Role
from wijknet.errors import Conflict, FieldError, InvalidInput, InvalidTransition, NotFound
from wijknet.web.pagination import Page, paginate

TRANSITIONS: dict[AssignmentStatus, frozenset[AssignmentStatus]] = {
    AssignmentStatus.PLANNED: frozenset({AssignmentStatus.ACTIVE, AssignmentStatus.CANCELLED}),
    AssignmentStatus.ACTIVE: frozenset({AssignmentStatus.DONE, AssignmentStatus.CANCELLED}),
}


@dataclass
class AssignmentFilter:
    partner_id: int | None = None
    status: AssignmentStatus | None = None
    category: str | None = None


@dataclass
class AssignmentTotals:
    hours: Decimal
    paid_hours: Decimal
    revenue_invoiced_eur: Decimal


# --- partners -----------------------------------------------------------------


def _check_partner_name_free(name: str, partner_id: int | None = None) -> None:
    stmt = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if partner_id is not None:
        stmt = stmt.where(Partner.id != partner_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict("A partner with this name exists already.")


def create_partner(actor: Actor, name: str, kind: PartnerKind) -> Partner:
    require_role(actor, Role.COORDINATOR)
    _check_partner_name_free(name)
    partner = Partner(name=name, kind=kind)
    db.session.add(partner)
    db.session.flush()
    return partner


def list_partners(actor: Actor) -> list[Partner]:
    require_role(actor, Role.COORDINATOR)
    return list(db.session.scalars(select(Partner).order_by(Partner.name)))


def get_partner(actor: Actor, partner_id: int) -> Partner:
    require_role(actor, Role.COORDINATOR)
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


def update_partner(actor: Actor, partner_id: int, changes: dict[str, Any]) -> Partner:
    partner = get_partner(actor, partner_id)
    if "name" in changes:
        _check_partner_name_free(changes["name"], partner_id)
    for key, value in changes.items():
        setattr(partner, key, value)
    db.session.flush()
    return partner


# --- assignments --------------------------------------------------------------


def _get(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("No such assignment.")
    return assignment


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("An assignment cannot end before it starts.", [FieldError("ends_on", "Before starts_on.")])


def create_assignment(actor: Actor, data: dict[str, Any]) -> Assignment:
    require_role(actor, Role.COORDINATOR)
    if db.session.get(Partner, data["partner_id"]) is None:
        raise InvalidInput("No such partner.", [FieldError("partner_id", "Unknown partner.")])
    check_buurt(data.get("buurt_code"))
    _check_dates(data["starts_on"], data.get("ends_on"))
    assignment = Assignment(**data)
    db.session.add(assignment)
    db.session.flush()
    record(actor, AuditAction.CREATE, "assignment", assignment.id)
    return assignment


def get_assignment(actor: Actor, assignment_id: int) -> Assignment:
    require_role(actor, Role.COORDINATOR)
    return _get(assignment_id)


def list_assignments(actor: Actor, filters: AssignmentFilter, page: int, page_size: int) -> Page[Assignment]:
    require_role(actor, Role.COORDINATOR)
    stmt = select(Assignment).order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    if filters.partner_id is not None:
        stmt = stmt.where(Assignment.partner_id == filters.partner_id)
    if filters.status is not None:
        stmt = stmt.where(Assignment.status == filters.status)
    if filters.category is not None:
        stmt = stmt.where(Assignment.category == filters.category)
    return paginate(db.session, stmt, page, page_size)


def update_assignment(actor: Actor, assignment_id: int, changes: dict[str, Any]) -> Assignment:
    """Change an assignment; a status change follows the workflow and dates its end."""
    require_role(actor, Role.COORDINATOR)
    assignment = _get(assignment_id)
    changes = dict(changes)
    status = changes.pop("status", None)
    if "partner_id" in changes and db.session.get(Partner, changes["partner_id"]) is None:
        raise InvalidInput("No such partner.", [FieldError("partner_id", "Unknown partner.")])
    if "buurt_code" in changes:
        check_buurt(changes["buurt_code"])
    logged = dict(changes)
    if "category" in changes and changes["category"] != assignment.category:
        # The hours logged on it count under its category: they move with it.
        unpaid = db.session.execute(
            select(TimeLog.member_id, TimeLog.worked_on).where(
                TimeLog.assignment_id == assignment_id, TimeLog.paid.is_(False)
            )
        ).all()
        db.session.execute(
            update(TimeLog)
            .where(TimeLog.assignment_id == assignment_id)
            .values(category=changes["category"])
            .execution_options(synchronize_session="fetch")
        )
        refresh_activities(
            (member, category, period_of_date(day))
            for member, day in unpaid
            for category in (assignment.category, changes["category"])
        )
    for key, value in changes.items():
        setattr(assignment, key, value)
    if status is not None and status != assignment.status:
        if status not in TRANSITIONS.get(assignment.status, frozenset()):
            raise InvalidTransition(f"A {assignment.status.value} assignment cannot become {status.value}.")
        assignment.status = status
        logged["status"] = status
        if status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED) and assignment.ends_on is None:
            assignment.ends_on = max(date.today(), assignment.starts_on)
    _check_dates(assignment.starts_on, assignment.ends_on)
    db.session.flush()
    record(actor, AuditAction.UPDATE, "assignment", assignment_id, detail=changed_fields(logged))
    return assignment


def assignment_totals(assignment_ids: list[int]) -> dict[int, AssignmentTotals]:
    """Hours and invoiced revenue per assignment, summed in SQL."""
    if not assignment_ids:
        return {}
    zero = Decimal("0.00")  # in hundredths, like every sum, so no total reads "0" beside "5.25"
    totals = {i: AssignmentTotals(zero, zero, zero) for i in assignment_ids}
    hours = db.session.execute(
        select(TimeLog.assignment_id, TimeLog.paid, func.sum(TimeLog.hours))
        .where(TimeLog.assignment_id.in_(assignment_ids))
        .group_by(TimeLog.assignment_id, TimeLog.paid)
    )
    for assignment_id, paid, total in hours:
        totals[assignment_id].hours += Decimal(total)
        if paid:
            totals[assignment_id].paid_hours += Decimal(total)
    revenue = db.session.execute(
        select(Invoice.assignment_id, func.sum(Invoice.amount_eur))
        .where(Invoice.assignment_id.in_(assignment_ids))
        .group_by(Invoice.assignment_id)
    )
    for assignment_id, total in revenue:
        totals[assignment_id].revenue_invoiced_eur = Decimal(total)
    return totals


# --- invoices -----------------------------------------------------------------


def add_invoice(actor: Actor, assignment_id: int, data: dict[str, Any]) -> Invoice:
    require_role(actor, Role.COORDINATOR)
    assignment = _get(assignment_id)
    if assignment.status == AssignmentStatus.PLANNED:
        raise InvalidTransition("Start the assignment before invoicing it.")
    invoice = Invoice(assignment_id=assignment_id, **data)
    db.session.add(invoice)
    db.session.flush()
    record(actor, AuditAction.CREATE, "invoice", invoice.id, detail=f"assignment {assignment_id}")
    return invoice


def list_invoices(actor: Actor, assignment_id: int) -> list[Invoice]:
    require_role(actor, Role.COORDINATOR)
    return list(_get(assignment_id).invoices)
