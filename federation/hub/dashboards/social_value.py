"""Social value: volunteer hours times the rate the city cooperative chose, with the method, rate and source beside it.

Each month is valued at the rate in force then (`valuation_for_month`), so a
changed rate changes only the months after it. Paid hours are not valued
this way: they were paid for. Months without a rate leave their hours out of
the euros, which are then a lower bound (`Bound.UNVALUED`), and are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope, check_category
from federation.hub.dashboards.targets import AreaView, Reporting, Target, month_total, resolve
from federation.hub.settings.services import ValuationTerms, valuation_for_month, valuations
from federation.protocol.codelists import ALL_CATEGORIES, METRIC_BY_CODE
from federation.protocol.combine import Bound, Total, add, over_months, scaled
from wijknet.web.database import utcnow

HOURS = METRIC_BY_CODE["volunteer_hours"]
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class ValuedPart:
    """The months valued at one rate: their hours, and those hours in euros."""

    terms: ValuationTerms  # method, rate, source (and URL): to show beside the euros
    months: list[str]
    hours: Total
    euros: Total


@dataclass(frozen=True)
class SocialValue:
    area: AreaView
    period: PeriodSelection
    months: list[str]
    category: str
    hours: Total  # volunteer hours over the period
    euros: Total | None  # None: no month of the period has a valuation
    parts: list[ValuedPart]  # one per rate used, oldest first; usually one
    unvalued_months: list[str]  # months with hours but no valuation: not in the euros
    valuation_set: bool  # False: nothing set at all; the page asks the administrator to set it
    reporting: Reporting


def in_cents(total: Total) -> Total:
    if total.value is None:
        return total
    rounding = ROUND_FLOOR if total.lower_bound else ROUND_HALF_EVEN
    return Total(total.value.quantize(CENTS, rounding=rounding), total.bounds, None, total.suppressed, total.missing)


def _may_have_hours(hours: Total) -> bool:
    """Hours that a missing rate leaves out: some were published, or may hide in suppressed or missing cells."""
    return bool(hours.value) or hours.lower_bound or hours.missing > 0


def social_value(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str = ALL_CATEGORIES,
    *,
    now: datetime | None = None,
    target: Target | None = None,
) -> SocialValue:
    """Volunteer hours of the area and period in euros, month by month at the rate in force."""
    now = now or utcnow()
    category = check_category(category)
    target = resolve(scope, area, target)
    months = period.months_started(now)
    monthly = target.monthly(category, months, [HOURS.code]) if months else {}
    missing = target.missing(months, now)
    hours_by_month = {m: month_total(HOURS, category, monthly, "", m, missing.get(m, 0)) for m in months}
    terms = valuations()
    groups: dict[ValuationTerms, list[str]] = {}
    unvalued = []
    for month in months:
        found = valuation_for_month(month, terms)
        if found is None:
            if _may_have_hours(hours_by_month[month]):
                unvalued.append(month)
        else:
            groups.setdefault(found, []).append(month)
    parts = []
    for found, valued in sorted(groups.items(), key=lambda item: item[0].valid_from):
        hours = add(hours_by_month[m] for m in valued)
        parts.append(ValuedPart(found, valued, hours, in_cents(scaled(hours, found.rate))))
    euros = add(p.euros for p in parts) if parts else None
    if euros is not None and unvalued and euros.value is not None:
        euros = Total(euros.value, euros.bounds | {Bound.UNVALUED}, None, euros.suppressed, euros.missing)
    return SocialValue(
        target.view,
        period,
        months,
        category,
        over_months(HOURS.kind, list(hours_by_month.values())),
        euros,
        parts,
        unvalued,
        bool(terms),
        target.reporting(months, now, missing),
    )
