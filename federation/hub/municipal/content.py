"""What a municipal report says, as plain data: every format (JSON, CSV, PDF) is rendered from one `ReportContent`.

The figures come from the dashboards' services, seen as the municipality
sees them (`Scope.only`), so a report never shows what the municipality's
own dashboard would not. Nothing here depends on the moment the report is
made except through `now`, which the dashboards use to tell which months
have begun and which reports are overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from federation.hub.dashboards.by_area import Breakdown, by_area
from federation.hub.dashboards.completeness import ReportingState, completeness
from federation.hub.dashboards.key_figures import key_figures, trend
from federation.hub.dashboards.selection import AreaSelection, PeriodKind, PeriodSelection, Scope
from federation.hub.dashboards.social_value import social_value
from federation.hub.dashboards.sources import wijk_totals_condition
from federation.hub.extensions import db
from federation.hub.figures.models import FigureTotal
from federation.hub.settings.models import ValuationMethod
from federation.hub.tenders.models import Commitment, Tender
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRIC_BY_CODE
from federation.protocol.combine import Total, add
from federation.protocol.periods import shift_period
from wijknet.errors import FieldError, InvalidInput

# The indicators agreed with the municipality, per wijk and category (statistics are left out:
# a median never combines over nodes, so per wijk it would mostly be "—").
INDICATORS: tuple[str, ...] = (
    "members_total",
    "members_new",
    "requests_new",
    "requests_matched",
    "requests_done",
    "requests_referred",
    "requests_open_end",
    "offers_active",
    "volunteers_active",
    "volunteer_hours",
    "paid_hours",
    "activities_held",
    "activity_participants",
)
# The key metrics whose last twelve months the report shows as a trend.
TREND_METRICS: tuple[str, ...] = ("requests_new", "requests_matched", "volunteers_active", "volunteer_hours")
TREND_MONTHS = 12
DELIVERED_METRICS = ("volunteer_hours", "paid_hours")  # what counts as delivered hours against a tender lot


def report_period(text: str) -> PeriodSelection:
    """A month (`2026-10`) or a quarter (`2026-Q4`): the periods municipal reports are made for."""
    period = PeriodSelection.parse(text)
    if period.kind not in (PeriodKind.MONTH, PeriodKind.QUARTER):
        raise InvalidInput("Not a report period.", [FieldError("period", "A month (2026-10) or a quarter (2026-Q4).")])
    return period


@dataclass(frozen=True)
class Indicator:
    wijk: str
    category: str  # `_all` or a category code
    metric: str
    total: Total


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str | None  # None: known by its code only
    nodes: int  # cooperatives reporting on it


@dataclass(frozen=True)
class NodeMonthState:
    period: str
    state: ReportingState
    revision: int | None
    first_complete_at: datetime | None


@dataclass(frozen=True)
class NodeReporting:
    node_id: str
    name: str
    months: list[NodeMonthState]


@dataclass(frozen=True)
class TrendLine:
    metric: str
    points: list[tuple[str, Total]]  # (month, the month's figure), oldest first


@dataclass(frozen=True)
class ValuedHours:
    method: ValuationMethod
    rate: Decimal  # euros per hour
    source: str
    source_url: str | None
    months: list[str]
    hours: Total
    euros: Total


@dataclass(frozen=True)
class SocialValueSummary:
    hours: Total
    euros: Total | None  # None: no month of the period has a valuation
    parts: list[ValuedHours]  # one per rate used
    unvalued_months: list[str]  # months with hours but no rate: not in the euros


@dataclass(frozen=True)
class LotDelivery:
    tender_id: str
    tender_title: str
    tender_status: str
    lot_id: str
    lot_title: str
    areas: list[str]
    categories: list[str]
    months: int  # months of the report period inside the tender's period
    required_hours: Decimal  # over those months
    committed_hours: Decimal  # the nodes' current commitments, over those months
    delivered_hours: Total  # volunteer and paid hours in the lot's areas and categories


@dataclass(frozen=True)
class ReportContent:
    """Everything a report says; the revision and the moment it was made are not part of it."""

    municipality: str
    municipality_name: str | None
    period: str  # `2026-10` or `2026-Q4`
    period_kind: str  # "month" or "quarter"
    months: list[str]
    min_count: int
    deadline_day: int
    wijken: list[Wijk]
    indicators: list[Indicator]  # per wijk, then category (`_all` first), then metric in code-list order
    reporting: list[NodeReporting]
    trends: list[TrendLine]
    social_value: SocialValueSummary
    tenders: list[LotDelivery]
    expected_node_months: int
    missing_node_months: int


def build_content(
    municipality: str, period: PeriodSelection, *, min_count: int, deadline_day: int, now: datetime
) -> ReportContent:
    """The report of one municipality for one month or quarter, from the current figures."""
    scope = Scope.only(municipality)
    area = AreaSelection.area(municipality)
    overview = key_figures(scope, period, area, metrics=["requests_new"], now=now)
    wijken, indicators = _indicators(scope, period, area, now)
    return ReportContent(
        municipality=municipality,
        municipality_name=overview.area.name,
        period=period.key,
        period_kind=period.kind.value,
        months=period.months(),
        min_count=min_count,
        deadline_day=deadline_day,
        wijken=wijken,
        indicators=indicators,
        reporting=_reporting(scope, period, area, deadline_day, now),
        trends=_trends(scope, period, area, now),
        social_value=_social_value(scope, period, area, now),
        tenders=_tenders(scope, municipality, period, now),
        expected_node_months=overview.reporting.expected,
        missing_node_months=overview.reporting.missing,
    )


def _indicators(
    scope: Scope, period: PeriodSelection, area: AreaSelection, now: datetime
) -> tuple[list[Wijk], list[Indicator]]:
    """Every agreed metric per wijk and category; wijken without a cooperative and without figures are left out.

    A category is asked for only where some wijk has a figure (or a withheld
    one) for it: its rows would otherwise be dashes alone.
    """
    found: dict[tuple[str, str, str], Total] = {}
    wijken: dict[str, Wijk] = {}
    reported = _reported_categories(str(area.code), period.months())
    for code in INDICATORS:
        metric = METRIC_BY_CODE[code]
        categories = [c for c in CATEGORY_CODES if (code, c) in reported] if metric.per_category else []
        for category in (ALL_CATEGORIES, *categories):
            rows = by_area(scope, period, area, code, category, breakdown=Breakdown.WIJK, now=now).rows
            for row in rows:
                if row.nodes == 0 and row.total.value is None:
                    continue
                wijken.setdefault(row.code, Wijk(row.code, row.name, row.nodes))
                found[(row.code, category, code)] = row.total
    categories = (ALL_CATEGORIES, *CATEGORY_CODES)
    ordered = [
        Indicator(wijk, category, metric, found[(wijk, category, metric)])
        for wijk in sorted(wijken)
        for category in categories
        for metric in INDICATORS
        if (wijk, category, metric) in found
    ]
    return [wijken[code] for code in sorted(wijken)], ordered


def _reported_categories(municipality: str, months: list[str]) -> set[tuple[str, str]]:
    """(metric, category) pairs with any cell in the municipality's wijken and months, found in the database."""
    t = FigureTotal
    stmt = (
        select(t.metric, t.category)
        .where(wijk_totals_condition([municipality])(t), t.period >= months[0], t.period <= months[-1])
        .distinct()
    )
    return {(metric, category) for metric, category in db.session.execute(stmt)}


def _reporting(
    scope: Scope, period: PeriodSelection, area: AreaSelection, deadline_day: int, now: datetime
) -> list[NodeReporting]:
    found = completeness(scope, period, area, deadline_day=deadline_day, now=now)
    return [
        NodeReporting(
            node.node_id,
            node.name,
            [NodeMonthState(m.period, m.state, m.revision, m.first_complete_at) for m in node.months],
        )
        for node in found.nodes
    ]


def _trends(scope: Scope, period: PeriodSelection, area: AreaSelection, now: datetime) -> list[TrendLine]:
    """The last twelve months up to the period's end, municipality-wide."""
    window = PeriodSelection.range(shift_period(period.last, 1 - TREND_MONTHS), period.last)
    found = trend(scope, window, area, metrics=TREND_METRICS, now=now)
    return [TrendLine(s.metric.code, [(p.period, p.total) for p in s.points]) for s in found.series]


def _social_value(scope: Scope, period: PeriodSelection, area: AreaSelection, now: datetime) -> SocialValueSummary:
    found = social_value(scope, period, area, now=now)
    parts = [
        ValuedHours(p.terms.method, p.terms.rate, p.terms.source, p.terms.source_url, p.months, p.hours, p.euros)
        for p in found.parts
    ]
    return SocialValueSummary(found.hours, found.euros, parts, found.unvalued_months)


def _tenders(scope: Scope, municipality: str, period: PeriodSelection, now: datetime) -> list[LotDelivery]:
    """Per lot of the municipality's tenders with commitments: required, committed and delivered hours."""
    months = period.months()
    tenders = db.session.scalars(
        select(Tender)
        .where(
            Tender.municipality == municipality,
            Tender.period_start <= months[-1],
            Tender.period_end >= months[0],
            Tender.tender_id.in_(select(Commitment.tender_id)),
        )
        .order_by(Tender.tender_id)
    )
    committed = _committed_hours(municipality)
    deliveries = []
    for tender in tenders:
        inside = [m for m in months if tender.period_start <= m <= tender.period_end]
        for lot in tender.lots:
            delivered = add(
                figure.total
                for code in lot.areas
                for category in lot.categories
                for figure in key_figures(
                    scope,
                    PeriodSelection.range(inside[0], inside[-1]),
                    AreaSelection.area(code),
                    category,
                    metrics=DELIVERED_METRICS,
                    now=now,
                ).figures
            )
            deliveries.append(
                LotDelivery(
                    tender.tender_id,
                    tender.title,
                    tender.status,
                    lot.lot_id,
                    lot.title,
                    list(lot.areas),
                    list(lot.categories),
                    len(inside),
                    lot.required_hours_per_month * len(inside),
                    committed.get((tender.tender_id, lot.lot_id), Decimal(0)) * len(inside),
                    delivered,
                )
            )
    return deliveries


def _committed_hours(municipality: str) -> dict[tuple[str, str], Decimal]:
    """Per (tender, lot): the hours per month the nodes commit now (each node's highest revision counts)."""
    c = Commitment
    latest = (
        select(c.node_id, c.tender_id, c.lot_id, func.max(c.revision).label("revision"))
        .join(Tender, Tender.tender_id == c.tender_id)
        .where(Tender.municipality == municipality)
        .group_by(c.node_id, c.tender_id, c.lot_id)
        .subquery()
    )
    stmt = select(c.tender_id, c.lot_id, c.capacity).join(
        latest,
        (latest.c.node_id == c.node_id)
        & (latest.c.tender_id == c.tender_id)
        & (latest.c.lot_id == c.lot_id)
        & (latest.c.revision == c.revision),
    )
    hours: dict[tuple[str, str], Decimal] = {}
    for tender_id, lot_id, capacity in db.session.execute(stmt):
        offered = sum((Decimal(str(part["hours_per_month"])) for part in capacity), Decimal(0))
        hours[(tender_id, lot_id)] = hours.get((tender_id, lot_id), Decimal(0)) + offered
    return hours
