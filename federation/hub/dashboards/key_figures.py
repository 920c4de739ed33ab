"""Key figures and trends of an area: every metric combined over nodes and months by its kind (spec section 9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope, check_category
from federation.hub.dashboards.sources import Grouped
from federation.hub.dashboards.targets import (
    AreaView,
    Reporting,
    Target,
    metric_total,
    metrics_of,
    month_total,
    resolve,
)
from federation.protocol.codelists import ALL_CATEGORIES, Metric, MetricKind
from federation.protocol.combine import Total, per_thousand
from wijknet.web.database import utcnow


def rate_of(metric: Metric, total: Total, view: AreaView) -> Total | None:
    """Per 1,000 inhabitants where the population is known; a median per inhabitant means nothing."""
    if metric.kind == MetricKind.STATISTIC or view.population is None:
        return None
    return per_thousand(total, view.population.inhabitants)


@dataclass(frozen=True)
class KeyFigure:
    metric: Metric  # code, kind and labels (`metric.label(language)`)
    total: Total  # `total.text()`: "≥ 120", "120" or "—"
    per_1000: Total | None  # None without a population


@dataclass(frozen=True)
class KeyFigures:
    area: AreaView
    period: PeriodSelection
    months: list[str]  # the months of the period that have begun
    category: str  # `_all` or a category code
    figures: list[KeyFigure]  # in code-list order
    reporting: Reporting


def key_figures(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str = ALL_CATEGORIES,
    *,
    metrics: Iterable[str] | None = None,
    now: datetime | None = None,
    target: Target | None = None,
) -> KeyFigures:
    """Every metric (or those named) for the area and period, with lower bounds and rates per 1,000."""
    now = now or utcnow()
    category, wanted, target, months, monthly, missing = _cells(scope, period, area, category, metrics, now, target)
    figures = []
    for metric in wanted:
        total = metric_total(metric, category, monthly, "", months, missing)
        figures.append(KeyFigure(metric, total, rate_of(metric, total, target.view)))
    return KeyFigures(target.view, period, months, category, figures, target.reporting(months, now, missing))


def _cells(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str,
    metrics: Iterable[str] | None,
    now: datetime,
    target: Target | None,
) -> tuple[str, list[Metric], Target, list[str], Grouped, dict[str, int]]:
    """What key figures and trends both start from: the area's cells per metric and month, and the months missing."""
    category = check_category(category)
    wanted = metrics_of(metrics)
    target = resolve(scope, area, target)
    months = period.months_started(now)
    monthly = target.monthly(category, months, [m.code for m in wanted]) if months else {}
    return category, wanted, target, months, monthly, target.missing(months, now)


@dataclass(frozen=True)
class TrendPoint:
    period: str  # the month
    total: Total  # the month's figure over nodes
    per_1000: Total | None
    missing: int  # node-months of this month that should be in and are not


@dataclass(frozen=True)
class TrendSeries:
    metric: Metric
    points: list[TrendPoint]  # every month of the period that has begun, oldest first


@dataclass(frozen=True)
class Trend:
    area: AreaView
    period: PeriodSelection
    months: list[str]
    category: str
    series: list[TrendSeries]


def trend(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    category: str = ALL_CATEGORIES,
    *,
    metrics: Iterable[str] | None = None,
    now: datetime | None = None,
    target: Target | None = None,
) -> Trend:
    """Month by month, per metric: each month's figure over the nodes (for charts)."""
    now = now or utcnow()
    category, wanted, target, months, monthly, missing = _cells(scope, period, area, category, metrics, now, target)
    series = []
    for metric in wanted:
        points = []
        for month in months:
            total = month_total(metric, category, monthly, "", month, missing.get(month, 0))
            points.append(TrendPoint(month, total, rate_of(metric, total, target.view), missing.get(month, 0)))
        series.append(TrendSeries(metric, points))
    return Trend(target.view, period, months, category, series)
