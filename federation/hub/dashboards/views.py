"""The dashboard pages: key figures, trends and areas; needs and gaps; reporting completeness; social value.

Views read the filters, call the services with the caller's `Scope`, and
hand the tables to a template or to a CSV file. A municipality's account
gets its own municipality only: the services refuse the rest (403, 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound as PageNotFound

from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.menu import COMPLETENESS_ORDER, DASHBOARD_ORDER, NEEDS_ORDER, MenuEntry
from federation.hub.areas.services import areas_by_code
from federation.hub.dashboards import charts, tables
from federation.hub.dashboards.by_area import by_area
from federation.hub.dashboards.completeness import ReportingState, completeness, revisions_after
from federation.hub.dashboards.coverage import node_spans
from federation.hub.dashboards.csv_export import csv_filename, csv_response
from federation.hub.dashboards.filters import (
    DEFAULT_METRIC,
    FilterError,
    Filters,
    area_choices,
    breakdown_choices,
    category_choices,
    metric_choices,
    period_choices,
    read_filters,
)
from federation.hub.dashboards.formatting import (
    bound_reasons,
    format_euros,
    format_number,
    format_period,
    format_rate,
    format_total,
)
from federation.hub.dashboards.key_figures import key_figures, trend
from federation.hub.dashboards.needs import AREAS as NEEDS_AREAS
from federation.hub.dashboards.needs import needs_and_gaps, waiting_times
from federation.hub.dashboards.selection import AreaKind, AreaSelection, PeriodSelection, Scope
from federation.hub.dashboards.social_value import social_value
from federation.hub.dashboards.targets import AreaView, resolve
from federation.hub.municipal.services import last_made_at
from federation.protocol.areas import area_level
from federation.protocol.codelists import ALL_CATEGORIES, METRIC_BY_CODE, Metric
from federation.protocol.periods import AMSTERDAM, period_of, shift_period
from wijknet.errors import InvalidInput
from wijknet.web.database import utcnow
from wijknet.web.i18n import current_language
from wijknet.web.transaction import commits

dashboards = Blueprint("dashboards", __name__, url_prefix="/dashboard")
MENU = (
    MenuEntry("dashboards.overview", _l("Dashboard"), order=DASHBOARD_ORDER, start=True),
    MenuEntry("dashboards.needs", _l("Needs and gaps"), order=NEEDS_ORDER),
    MenuEntry("dashboards.reporting", _l("Reporting"), order=COMPLETENESS_ORDER),
    MenuEntry("dashboards.value", _l("Social value"), order=COMPLETENESS_ORDER + 5),
)
TREND_METRICS = ("requests_new", "requests_matched", "requests_done", "volunteers_active", "volunteer_hours")
TREND_MONTHS = 12
COMPLETENESS_MONTHS = 6
REVISIONS_DAYS = 30
HOURS_METRICS = {"volunteer_hours", "paid_hours"}

PageData = tuple[dict[str, Any], list[tables.Table]]
Builder = Callable[[Filters, Scope, datetime, str], PageData]


@dashboards.app_template_filter("total")
def total_filter(total: Any) -> str:
    return format_total(total, current_language())


@dashboards.app_template_filter("number")
def number_filter(value: Any) -> str:
    return format_number(value, current_language())


@dashboards.app_template_filter("euros")
def euros_filter(total: Any) -> str:
    return format_euros(total, current_language())


@dashboards.app_template_filter("rate")
def rate_filter(rate: Any) -> str:
    return format_rate(rate, current_language())


@dashboards.app_template_filter("valuation_method")
def valuation_method_filter(method: str) -> str:
    return str(tables.METHOD_LABELS.get(method, method))  # type: ignore[call-overload]


@dashboards.app_template_filter("period")
def period_filter(key: str) -> str:
    return format_period(key, current_language())


@dashboards.app_template_filter("bound_reasons")
def bound_reasons_filter(total: Any) -> list[str]:
    return bound_reasons(total)


@dashboards.app_template_filter("shown_rows")
def shown_rows_filter(table: tables.Table) -> list[tuple[tables.Row, list[tables.ShownCell]]]:
    return tables.shown_rows(table, current_language())


@dashboards.app_template_filter("cell_class")
def cell_class_filter(value: Any) -> str:
    return tables.cell_class(value)


def unit_of(metric: Metric, language: str) -> str:
    """The metric with its unit, for a chart's axis."""
    if metric.code in HOURS_METRICS:
        unit = _("hours")
    elif metric.code.endswith("_eur"):
        unit = _("euros")
    elif metric.code == "days_to_match_median":
        unit = _("days")
    else:
        unit = _("number")
    return f"{metric.label(language)} ({unit})"


def area_title(view: AreaView) -> str:
    selection = view.selection
    if selection.kind == AreaKind.CITY:
        if len(view.municipalities) == 1:  # the whole city is one municipality: name it
            (code,) = view.municipalities
            known = areas_by_code([code]).get(code)
            return _("Municipality %(name)s", name=known.short_name if known and known.name else code)
        return _("The whole city")
    if selection.kind == AreaKind.NODE:
        return _("Cooperative %(name)s", name=view.name or selection.code)
    name = view.name or selection.code
    kinds = {
        AreaKind.MUNICIPALITY: _("Municipality %(name)s", name=name),
        AreaKind.WIJK: _("Wijk %(name)s", name=name),
        AreaKind.BUURT: _("Buurt %(name)s", name=name),
    }
    return kinds[selection.kind]


def area_link(filters: Filters) -> Callable[[str], str | None]:
    """A row's code to that area's (or cooperative's) own dashboard, with the same period and category."""

    def link(code: str) -> str | None:
        key = code if area_level(code) is not None else "node:" + code
        return url_for("dashboards.overview", **filters.args(area=key, breakdown=""))

    return link


def form_context(scope: Scope, now: datetime, language: str, filters: Filters | None) -> dict[str, Any]:
    area = filters.area if filters else None
    return {
        "periods": period_choices(now, language),
        "areas": area_choices(scope, node_spans(scope), language),
        "categories": category_choices(language),
        "metrics": metric_choices(language),
        "breakdowns": breakdown_choices(area) if area else [],
        "chosen": filters.args() if filters else {"category": ALL_CATEGORIES, "metric": DEFAULT_METRIC, **request.args},
    }


def _page(template: str, build: Builder, **defaults: str) -> tuple[str, int]:
    """The page with its figures, or with a friendly message (400) when a filter cannot be read."""
    scope, now, language = Scope.of(page_actor()), utcnow(), current_language()
    args = {**defaults, **{k: v for k, v in request.args.items() if v.strip()}}
    try:
        filters = read_filters(args, scope, now)
        context, built = build(filters, scope, now, language)
    except FilterError as exc:
        return render_template(template, errors=exc.messages, **form_context(scope, now, language, None)), 400
    except InvalidInput as exc:
        message = "; ".join(e.message for e in exc.errors) or exc.detail
        errors = [_("These filters do not go together: %(problem)s", problem=message)]
        return render_template(template, errors=errors, **form_context(scope, now, language, None)), 400
    downloads = {t.name: url_for(request.endpoint + "_csv", table=t.name, **filters.args()) for t in built}
    page = render_template(
        template,
        errors=[],
        filters=filters,
        tables={t.name: t for t in built},
        downloads=downloads,
        **context,
        **form_context(scope, now, language, filters),
    )
    return page, 200


def _csv(build: Builder, **defaults: str) -> Response | tuple[str, int]:
    """One of the page's tables as CSV: `?table=by-area` and the page's own filters."""
    scope, now, language = Scope.of(page_actor()), utcnow(), current_language()
    args = {**defaults, **{k: v for k, v in request.args.items() if v.strip()}}
    try:
        filters = read_filters(args, scope, now)
        _context, built = build(filters, scope, now, language)
    except (FilterError, InvalidInput):
        return render_template("hub_error.html", status=400, title=_("Bad filter"), detail=None), 400
    wanted = request.args.get("table", "")
    table = next((t for t in built if t.name == wanted), None)
    if table is None:
        raise PageNotFound()
    category = "" if filters.category == "_all" else filters.category
    metric = filters.metric if table.name in ("by-area", "trend") else ""
    name = csv_filename(filters.area.key.replace(":", "-"), filters.period.key, table.name, metric, category)
    return csv_response(table, name, language)


def trend_period(period: PeriodSelection) -> PeriodSelection:
    """The selected period when it spans a year or more; otherwise the twelve months up to its end."""
    if len(period.months()) >= TREND_MONTHS:
        return period
    return PeriodSelection.range(shift_period(period.last, 1 - TREND_MONTHS), period.last)


def build_overview(filters: Filters, scope: Scope, now: datetime, language: str) -> PageData:
    metric = METRIC_BY_CODE[filters.metric]
    wanted = [*TREND_METRICS, *([metric.code] if metric.code not in TREND_METRICS else [])]
    target = resolve(scope, filters.area)  # once for the page's three answers
    figures = key_figures(scope, filters.period, filters.area, filters.category, now=now, target=target)
    months = trend(
        scope, trend_period(filters.period), filters.area, filters.category, metrics=wanted, now=now, target=target
    )
    parts = by_area(
        scope,
        filters.period,
        filters.area,
        metric.code,
        filters.category,
        breakdown=filters.breakdown,
        now=now,
        target=target,
    )
    series = next(s for s in months.series if s.metric.code == metric.code)
    unit = unit_of(metric, language)
    line = charts.line_chart(
        "trend-chart",
        _("%(figure)s per month", figure=metric.label(language)),
        [charts.Datum(tables.format_month_short(p.period, language), p.total) for p in series.points],
        unit,
        language,
    )
    bars = charts.bar_chart(
        "area-chart",
        _("%(figure)s by area", figure=metric.label(language)),
        [charts.Datum(r.name or r.code, r.total) for r in parts.rows],
        unit,
        language,
    )
    link = area_link(filters)
    built = [
        tables.key_figures_table(figures, language),
        tables.trend_table(months, language),
        tables.breakdown_table(parts, language, link),
    ]
    context = {
        "view": figures.area,
        "title": area_title(figures.area),
        "figures": figures,
        "metric": metric,
        "trend_chart": line,
        "trend_period": f"{months.months[0]}..{months.months[-1]}" if months.months else months.period.key,
        "area_chart": bars,
        "breakdown": parts.breakdown,
        "up": _parent_link(filters),
    }
    return context, built


def _parent_link(filters: Filters) -> str | None:
    """The dashboard one level up: a buurt's wijk, a wijk's municipality, a municipality's city."""
    area = filters.area
    if area.kind == AreaKind.BUURT:
        parent = "WK" + str(area.code)[2:8]
    elif area.kind == AreaKind.WIJK:
        parent = "GM" + str(area.code)[2:6]
    elif area.kind in (AreaKind.MUNICIPALITY, AreaKind.NODE):
        parent = AreaKind.CITY.value
    else:
        return None
    return url_for("dashboards.overview", **filters.args(area=parent, breakdown=""))


@dashboards.get("")
@page_access()
@commits
def overview() -> tuple[str, int]:
    return _page("dashboards/overview.html", build_overview)


@dashboards.get("/export.csv")
@page_access()
@commits
def overview_csv() -> Response | tuple[str, int]:
    return _csv(build_overview)


def build_needs(filters: Filters, scope: Scope, now: datetime, language: str) -> PageData:
    per_category = filters.area.kind == AreaKind.WIJK  # one wijk: every category; more: the chosen one per wijk
    # Resolved once for both answers; an area needs and gaps are not shown for is refused by `needs_and_gaps`.
    target = resolve(scope, filters.area) if filters.area.kind in NEEDS_AREAS else None
    chosen = None if per_category else filters.category
    found = needs_and_gaps(scope, filters.period, filters.area, chosen, now=now, target=target)
    waits = waiting_times(scope, filters.period, filters.area, filters.category, now=now, target=target)
    link = _needs_link(filters)
    built = [
        tables.largest_unmet_table(found, language, link),
        tables.needs_table(found, language, link),
        tables.silent_table(found),
        tables.waiting_table(waits, language),
    ]
    context = {"view": found.area, "title": area_title(found.area), "found": found, "per_category": per_category}
    return context, built


def _needs_link(filters: Filters) -> Callable[[str], str | None]:
    def link(code: str) -> str | None:
        return url_for("dashboards.needs", **filters.args(area=code, breakdown=""))

    return link


@dashboards.get("/needs")
@page_access()
@commits
def needs() -> tuple[str, int]:
    return _page("dashboards/needs.html", build_needs)


@dashboards.get("/needs/export.csv")
@page_access()
@commits
def needs_csv() -> Response | tuple[str, int]:
    return _csv(build_needs)


def since_of(filters: Filters, scope: Scope, now: datetime) -> tuple[datetime, bool]:
    """The moment after which revisions are flagged, and whether it is when the last municipal report was made.

    By default that moment: a revision received after it changes what the
    municipality was told. Without a report yet, 30 days back; `since` picks a day.
    """
    text = request.args.get("since", "").strip()
    if text:
        try:
            day = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise FilterError([_("The day %(value)s is not a date like 2026-10-01.", value=text)]) from None
        return datetime.combine(day, time(0), tzinfo=AMSTERDAM), False
    made = last_made_at(_municipalities_of(filters.area, scope))
    if made is not None:
        return made, True
    day = (now.astimezone(AMSTERDAM) - timedelta(days=REVISIONS_DAYS)).date()
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM), False


def _municipalities_of(area: AreaSelection, scope: Scope) -> Iterable[str] | None:
    """The municipality an area lies in; for the city or a cooperative, those the caller may see."""
    if area.kind in (AreaKind.CITY, AreaKind.NODE):
        return scope.municipalities
    return ["GM" + str(area.code)[2:6]]


def build_reporting(filters: Filters, scope: Scope, now: datetime, language: str) -> PageData:
    since, since_report = since_of(filters, scope, now)
    deadline_day = current_app.extensions["wijknet.settings"].report_deadline_day
    target = resolve(scope, filters.area)
    found = completeness(
        scope, filters.period, filters.area, deadline_day=deadline_day, flag_after=since, now=now, target=target
    )
    later = revisions_after(scope, filters.period, since, filters.area, target=target)
    link = area_link(filters)
    built = [
        tables.completeness_table(found, language, link),
        tables.completeness_by_month_table(found, language),
        tables.revisions_table(later, language),
    ]
    context = {
        "view": found.area,
        "title": area_title(found.area),
        "found": found,
        "since": since,
        "since_report": since_report,
        "deadline_day": deadline_day,
        "states": [s for s in ReportingState if s != ReportingState.NOT_EXPECTED],
        "state_labels": tables.STATE_LABELS,
    }
    return context, built


def completeness_default(now: datetime) -> str:
    current = period_of(now)
    return f"{shift_period(current, 1 - COMPLETENESS_MONTHS)}..{current}"


@dashboards.get("/reporting")
@page_access()
@commits
def reporting() -> tuple[str, int]:
    return _page("dashboards/reporting.html", build_reporting, period=completeness_default(utcnow()))


@dashboards.get("/reporting/export.csv")
@page_access()
@commits
def reporting_csv() -> Response | tuple[str, int]:
    return _csv(build_reporting, period=completeness_default(utcnow()))


def build_value(filters: Filters, scope: Scope, now: datetime, language: str) -> PageData:
    found = social_value(scope, filters.period, filters.area, filters.category, now=now)
    context = {"view": found.area, "title": area_title(found.area), "found": found}
    return context, [tables.social_value_table(found, language)]


def year_default(now: datetime) -> str:
    return period_of(now)[:4]


@dashboards.get("/social-value")
@page_access()
@commits
def value() -> tuple[str, int]:
    return _page("dashboards/social_value.html", build_value, period=year_default(utcnow()))


@dashboards.get("/social-value/export.csv")
@page_access()
@commits
def value_csv() -> Response | tuple[str, int]:
    return _csv(build_value, period=year_default(utcnow()))
