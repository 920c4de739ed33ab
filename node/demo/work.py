"""The wijkbedrijf's work: partners commission assignments, people log hours, the cooperative invoices.

Paid assignments are worked by the employed coordinators and a few residents
with a paid job in the wijkbedrijf; voluntary ones by volunteers. Each month
that has ended is invoiced early in the next, at a fixed hourly rate, never
beyond the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from federation.protocol.periods import period_of_date, periods_between, shift_period
from node.demo import texts
from node.demo.help import quarter_hours
from node.demo.timeline import at_local, days, local_date, month_days
from node.demo.world import Person, World
from node.extensions import db
from node.work.models import Assignment, Invoice, Partner, TimeLog
from schemas.node.codes import AssignmentStatus

HOURLY_RATE = Decimal("42.50")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Template:
    title: str
    category: str
    partner: int  # index into texts.PARTNERS
    paid: bool
    months: int
    hours_per_week: int
    season: tuple[int, ...] = ()  # calendar months it starts in; empty: any time of year
    in_one_buurt: bool = False


TEMPLATES: tuple[Template, ...] = (
    Template("Trappenhuizen schilderen", "practical", 0, True, 3, 12, in_one_buurt=True),
    Template("Tuinonderhoud binnenterreinen", "garden", 0, True, 6, 8, (3, 4), in_one_buurt=True),
    Template("Formulierenspreekuur", "paperwork", 1, True, 4, 6, (1, 2)),
    Template("Energiecoaches: huisbezoeken", "home_energy", 4, True, 4, 10, (9, 10)),
    Template("Boodschappendienst voor cliënten", "shopping", 2, True, 6, 8),
    Template("Digitaal spreekuur voor senioren", "digital", 1, True, 6, 4),
    Template("Kerstdiner voor alleenstaanden", "social", 1, False, 1, 10, (12,)),
    Template("Tochtstrips en radiatorfolie plaatsen", "home_energy", 3, True, 2, 12, (10, 11), in_one_buurt=True),
    Template("Opruimactie binnentuinen", "garden", 0, False, 1, 6, (4, 9), in_one_buurt=True),
    Template("Welkomstbezoeken nieuwe huurders", "information", 0, True, 6, 4, in_one_buurt=True),
    Template("Maatjesproject tegen eenzaamheid", "social", 2, True, 6, 6, (10, 11)),
    Template("Begeleiding naar afspraken", "transport", 2, True, 6, 5),
)


@dataclass
class Work:
    assignment: Assignment
    logs: list[TimeLog] = field(default_factory=list)


def add_work(world: World) -> list[Work]:
    """Partners, and the assignments they commissioned from a few months before the span until now."""
    partners = [
        Partner(name=name, kind=kind, created_at=world.timeline.start - days(world.rng.uniform(200, 900)))
        for name, kind in texts.PARTNERS
    ]
    db.session.add_all(partners)
    running_until: dict[str, date] = {}
    work: list[Work] = []
    first_period = shift_period(world.timeline.periods()[0], -3)
    for period in periods_between(first_period, world.timeline.periods()[-1]):
        month = int(period[5:])
        for template in TEMPLATES:
            chance = (0.7 if month in template.season else 0.0) if template.season else 0.1
            free = running_until.get(template.title, date.min) < month_days(period)[0]
            if free and world.chance(chance):
                item = _assignment(world, template, partners[template.partner], period, len(work) + 1)
                if item is not None:
                    work.append(item)
                    running_until[template.title] = item.assignment.ends_on or date.max
    return work


def _assignment(world: World, template: Template, partner: Partner, period: str, number: int) -> Work | None:
    rng, timeline = world.rng, world.timeline
    first, following = month_days(period)
    starts_on = _weekday(first + timedelta(days=rng.randrange((following - first).days)))
    created = at_local(starts_on - timedelta(days=rng.randint(7, 30)), rng.uniform(9, 17))
    if created > timeline.now or starts_on > timeline.today + timedelta(days=45):
        return None
    planned_end = _add_months(starts_on, template.months) - timedelta(days=1)
    weeks = max(1, (planned_end - starts_on).days // 7)
    if template.paid:
        estimate = weeks * template.hours_per_week * HOURLY_RATE * Decimal(str(round(rng.uniform(1.0, 1.2), 2)))
        budget = (estimate / 100).quantize(Decimal(1)) * 100
    else:
        budget = Decimal(rng.randrange(250, 1500, 50))  # materials, food: the work itself is voluntary
    assignment = Assignment(
        partner=partner,
        title=template.title,
        description=f"Opdracht van {partner.name}.",
        category=template.category,
        buurt_code=world.pick(world.buurten) if template.in_one_buurt else None,
        paid=template.paid,
        budget_eur=budget,
        starts_on=starts_on,
        created_at=created,
        updated_at=created,
    )
    item = Work(assignment)
    cancelled_on = None
    if rng.random() < 0.06:
        cancelled_on = local_date(created) + timedelta(days=rng.randint(5, 40))
    if cancelled_on is not None and cancelled_on <= timeline.today:
        assignment.status = AssignmentStatus.CANCELLED
        assignment.ends_on = max(cancelled_on, starts_on)
        worked_until = cancelled_on
        assignment.updated_at = at_local(cancelled_on, 11)
    elif starts_on > timeline.today:
        assignment.status = AssignmentStatus.PLANNED
        worked_until = None
    elif planned_end <= timeline.today:
        assignment.status = AssignmentStatus.DONE
        assignment.ends_on = planned_end
        worked_until = planned_end
        assignment.updated_at = at_local(planned_end, 16)
    else:
        assignment.status = AssignmentStatus.ACTIVE
        worked_until = timeline.today
        assignment.updated_at = max(created, at_local(starts_on, 9))
    db.session.add(assignment)
    if worked_until is not None and worked_until >= starts_on:
        _log_hours(world, item, template, worked_until)
        _invoice(world, item, number)
    return item


def _log_hours(world: World, item: Work, template: Template, until: date) -> None:
    rng, timeline = world.rng, world.timeline
    assignment = item.assignment
    week = assignment.starts_on
    while week <= until:
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            day = week + timedelta(days=rng.randrange(5))
            worker = _worker(world, assignment.paid, at_local(day, 9))
            if day > until or worker is None:
                continue
            entered = at_local(day, 17) + days(rng.uniform(0, 4))
            if entered > timeline.now:
                continue
            share = template.hours_per_week / 2
            log = TimeLog(
                member_id=worker.member.id,
                assignment=assignment,
                category=assignment.category,
                worked_on=day,
                hours=quarter_hours(world, min(2, share), max(2, min(8, share))),
                paid=assignment.paid,
                created_at=entered,
                created_by_id=(worker if rng.random() < 0.6 else world.coordinator()).member.id,
            )
            item.logs.append(log)
            db.session.add(log)
        week += timedelta(days=7)


def _worker(world: World, paid: bool, instant: datetime) -> Person | None:
    if paid:
        pool = [p for p in world.joined_before(instant) if p.paid_worker]
    else:
        pool = [p for p in world.volunteers if p.volunteer_since is not None and p.volunteer_since <= instant]
    return world.pick(pool) if pool else None


def _invoice(world: World, item: Work, number: int) -> None:
    """Paid work is invoiced for each month it ran, early the next month; voluntary work its costs once."""
    rng, timeline = world.rng, world.timeline
    assignment = item.assignment
    assert assignment.budget_eur is not None
    invoiced = Decimal(0)
    if assignment.paid:
        hours_by_month: dict[str, Decimal] = {}
        for log in item.logs:
            month = period_of_date(log.worked_on)
            hours_by_month[month] = hours_by_month.get(month, Decimal(0)) + log.hours
        for month in sorted(hours_by_month):
            invoiced_on = month_days(month)[1] + timedelta(days=rng.randint(2, 8))
            amount = min(hours_by_month[month] * HOURLY_RATE, assignment.budget_eur - invoiced).quantize(CENT)
            if invoiced_on > timeline.today or amount <= 0:
                continue
            invoiced += amount
            _add_invoice(world, assignment, invoiced_on, amount, number)
    elif assignment.status == AssignmentStatus.DONE and assignment.ends_on is not None:
        invoiced_on = assignment.ends_on + timedelta(days=rng.randint(3, 14))
        if invoiced_on <= timeline.today:
            amount = (assignment.budget_eur * Decimal(str(round(rng.uniform(0.5, 1.0), 2)))).quantize(CENT)
            _add_invoice(world, assignment, invoiced_on, amount, number)


def _add_invoice(world: World, assignment: Assignment, invoiced_on: date, amount: Decimal, number: int) -> None:
    db.session.add(
        Invoice(
            assignment=assignment,
            invoiced_on=invoiced_on,
            amount_eur=amount,
            reference=f"WB-{invoiced_on:%Y%m}-{number:03d}",  # month and assignment number
            created_at=min(at_local(invoiced_on, world.rng.uniform(9, 17)), world.timeline.now),
        )
    )


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))
