"""The dashboards' tables, built once from a service's answer and shown as HTML or written as CSV.

A page and its CSV download take the same `Table`, so a download always
holds exactly the figures on the page, lower bounds as "≥ 120" included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from federation.hub.dashboards.by_area import AreaBreakdown
from federation.hub.dashboards.completeness import Completeness, LateRevision, ReportingState
from federation.hub.dashboards.formatting import (
    NOT_AVAILABLE,
    bound_reasons,
    format_euros,
    format_gap,
    format_month_short,
    format_number,
    format_period,
    format_rate,
    format_total,
)
from federation.hub.dashboards.key_figures import KeyFigures, Trend
from federation.hub.dashboards.needs import Gap, NeedRow, NeedsAndGaps, NodeWaitingTime, Silence, WaitingTimes
from federation.hub.dashboards.social_value import SocialValue
from federation.hub.settings.models import ValuationMethod
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_BY_CODE
from federation.protocol.combine import Total

STATE_LABELS = {
    ReportingState.ON_TIME: _l("on time"),
    ReportingState.LATE: _l("came late"),
    ReportingState.PARTIAL: _l("partial"),
    ReportingState.MISSING: _l("missing"),
    ReportingState.AWAITED: _l("awaited"),
    ReportingState.NOT_EXPECTED: _l("not expected"),
}
METHOD_LABELS = {
    ValuationMethod.REPLACEMENT_COST: _l("replacement cost"),
    ValuationMethod.MARKET_PRICE: _l("market price"),
}
SILENCE_LABELS = {
    Silence.NO_NODE: _l("no cooperative is registered here"),
    Silence.NOTHING_REPORTED: _l("registered cooperatives reported nothing for this period"),
}


@dataclass(frozen=True)
class Shown:
    """A value already written out (a range, euros with their rate); `numeric` aligns it right."""

    text: str
    numeric: bool = True


@dataclass(frozen=True)
class Row:
    cells: tuple[Any, ...]
    link: str | None = None  # on the page, the first cell links here (the area's or node's own dashboard)


@dataclass(frozen=True)
class Table:
    name: str  # in the CSV's file name and its download link: "by-area"
    caption: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)  # under the table (why a figure is "≥")


def cell_text(value: Any, locale: str) -> str:
    """What a cell reads, on the page and in the CSV alike."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, Shown):
        return value.text
    if isinstance(value, Total):
        return format_total(value, locale)
    if isinstance(value, Gap):
        return format_gap(value, locale)
    if isinstance(value, ReportingState):
        return str(STATE_LABELS[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, Decimal, float)):
        return format_number(value, locale)
    if isinstance(value, datetime):
        return format_datetime(value, "d MMM yyyy HH:mm")
    if isinstance(value, date):
        return format_date(value, "d MMM yyyy")
    return str(value)


@dataclass(frozen=True)
class ShownCell:
    text: str
    css: str  # its class: "num", "state state-late", ...
    td: Markup  # the cell as a table cell, escaped: made once per distinct value, not once a cell by the template


def shown_rows(table: Table, locale: str) -> list[tuple[Row, list[ShownCell]]]:
    """Every row's cells as text and class, for a page: each distinct value written out once.

    A completeness grid of 200 cooperatives by 12 months holds 2,400 states of
    six kinds, and tables repeat small counts: formatting a number or looking
    up a translation per cell was most of a page's time.
    """
    memo: dict[tuple[type, Any], ShownCell] = {}
    shown = []
    for row in table.rows:
        cells = []
        for value in row.cells:
            key = (type(value), value)  # the type too: True == 1, but reads "yes"
            try:
                cell = memo.get(key)
            except TypeError:  # not hashable: written out each time
                key, cell = None, None
            if cell is None:
                text, css = cell_text(value, locale), cell_class(value)
                cell = ShownCell(text, css, Markup('<td class="{}">{}</td>').format(css, text))
                if key is not None:
                    memo[key] = cell
            cells.append(cell)
        shown.append((row, cells))
    return shown


def cell_class(value: Any) -> str:
    if value is None:
        return "num"  # "—" in a column of figures
    if isinstance(value, ReportingState):
        return f"state state-{value.value}"
    if isinstance(value, Shown):
        return "num" if value.numeric else "text"
    numeric = isinstance(value, (Total, Gap, int, Decimal, float)) and not isinstance(value, bool)
    return "num" if numeric else ""


def category_label(code: str, language: str) -> str:
    return str(_("All categories")) if code == ALL_CATEGORIES else CATEGORY_BY_CODE[code].label(language)


def _notes(totals: list[Total | None]) -> list[str]:
    reasons: list[str] = []
    for total in totals:
        for reason in bound_reasons(total):
            if reason not in reasons:
                reasons.append(reason)
    if not reasons:
        return []
    return [_("≥ means at least this number: %(reasons)s.", reasons="; ".join(reasons))]


def key_figures_table(found: KeyFigures, language: str) -> Table:
    rows = [
        Row((f.metric.label(language), f.total, f.per_1000, "; ".join(bound_reasons(f.total)) or ""))
        for f in found.figures
    ]
    return Table(
        "key-figures",
        _("Key figures"),
        [_("Figure"), _("Value"), _("Per 1,000 inhabitants"), _("Note")],
        rows,
    )


def trend_table(found: Trend, language: str) -> Table:
    columns = [_("Month"), *(s.metric.label(language) for s in found.series), _("Monthly reports missing")]
    rows = []
    for index, month in enumerate(found.months):
        points = [s.points[index] for s in found.series]
        missing = points[0].missing if points else 0
        rows.append(Row((format_period(month, language), *(p.total for p in points), missing)))
    totals = [p.total for s in found.series for p in s.points]
    return Table("trend", _("Month by month"), columns, rows, _notes(totals))


def breakdown_table(found: AreaBreakdown, language: str, link: Callable[[str], str | None]) -> Table:
    columns = [
        _("Area"),
        _("Code"),
        found.metric.label(language),
        _("Per 1,000 inhabitants"),
        _("Inhabitants"),
        _("Cooperatives reporting"),
    ]
    rows = [
        Row((r.name or r.code, r.code, r.total, r.per_1000, r.population, r.nodes), link(r.code)) for r in found.rows
    ]
    return Table("by-area", _("By area"), columns, rows, _notes([r.total for r in found.rows]))


def waiting_text(times: WaitingTimes, language: str) -> Shown:
    """The range of the nodes' monthly medians, never one combined median."""
    if times.lowest is None or times.highest is None:
        return Shown(_("withheld") if times.suppressed else NOT_AVAILABLE)
    if times.lowest == times.highest:
        return Shown(format_number(times.lowest, language))
    return Shown(f"{format_number(times.lowest, language)} – {format_number(times.highest, language)}")


def needs_table(found: NeedsAndGaps, language: str, link: Callable[[str], str | None]) -> Table:
    columns = [
        _("Wijk"),
        _("Code"),
        _("Category"),
        _("New requests"),
        _("New requests per 1,000 inhabitants"),
        _("Open requests at the end"),
        _("Active offers at the end"),
        _("Unmet (open minus offers)"),
        _("Active volunteers"),
        _("Days to a match (range of medians)"),
    ]
    rows = [_need_row(r, language, link) for r in found.rows]
    totals = [t for r in found.rows for t in (r.demand, r.open_requests, r.supply, r.volunteers)]
    return Table("needs", _("Needs and supply per wijk"), columns, rows, _notes(totals))


def _need_row(row: NeedRow, language: str, link: Callable[[str], str | None]) -> Row:
    return Row(
        (
            row.name or row.wijk,
            row.wijk,
            category_label(row.category, language),
            row.demand,
            row.demand_per_1000,
            row.open_requests,
            row.supply,
            row.gap,
            row.volunteers,
            waiting_text(row.waiting, language),
        ),
        link(row.wijk),
    )


def largest_unmet_table(found: NeedsAndGaps, language: str, link: Callable[[str], str | None]) -> Table:
    columns = [_("Wijk"), _("Code"), _("Unmet (open minus offers)"), _("Open requests at the end"), _("Active offers")]
    rows = [
        Row((r.name or r.wijk, r.wijk, r.gap, r.open_requests, r.supply), link(r.wijk)) for r in found.largest_unmet
    ]
    caption = _("Largest unmet demand: %(category)s", category=category_label(found.ranked_category, language))
    return Table("largest-unmet", caption, columns, rows)


def silent_table(found: NeedsAndGaps) -> Table:
    columns = [_("Wijk"), _("Code"), _("Why"), _("Cooperatives registered")]
    rows = [
        Row((s.name or s.code, s.code, str(SILENCE_LABELS[s.reason]), ", ".join(s.nodes) or "—")) for s in found.silent
    ]
    return Table("silent", _("Wijken where no cooperative reports"), columns, rows)


def waiting_table(found: list[NodeWaitingTime], language: str) -> Table:
    """Per cooperative, area and category: the months reported, the lowest and highest median, the newest.

    A row per month would be a thousand rows for a municipality over a year; the
    medians are still shown as reported, one cooperative at a time, never combined.
    """
    columns = [
        _("Cooperative"),
        _("Area"),
        _("Category"),
        _("Months"),
        _("Lowest median (days)"),
        _("Highest median (days)"),
        _("Newest month"),
        _("Its median (days)"),
    ]
    groups: dict[tuple[str, str, str, str], list[NodeWaitingTime]] = {}
    for w in found:
        groups.setdefault((w.node_name, w.cell.area, w.cell.category, w.node_id), []).append(w)
    categories = {c: category_label(c, language) for c in {w.cell.category for w in found}}
    rows = []
    for (name, area, category, _node), times in groups.items():
        published = [w.cell.value for w in times if w.cell.value is not None]
        newest = max(times, key=lambda w: w.cell.period)
        rows.append(
            Row(
                (
                    name,
                    area,
                    categories[category],
                    len(times),
                    min(published) if published else Shown(_("withheld")),
                    max(published) if published else Shown(_("withheld")),
                    format_period(newest.cell.period, language),
                    newest.cell.value if newest.cell.value is not None else Shown(_("withheld")),
                )
            )
        )
    return Table("waiting-times", _("Waiting times per cooperative, as reported"), columns, rows)


def completeness_table(found: Completeness, language: str, link: Callable[[str], str | None]) -> Table:
    columns = [_("Cooperative"), _("Municipality"), *(format_month_short(m, language) for m in found.months)]
    columns.append(_("On time"))
    rows = []
    for node in found.nodes:
        states = [m.state for m in node.months]
        due = sum(s not in (ReportingState.NOT_EXPECTED, ReportingState.AWAITED) for s in states)
        on_time = Shown(f"{node.count(ReportingState.ON_TIME)} / {due}")
        rows.append(Row((node.name, node.municipality, *states, on_time), link(node.node_id)))
    return Table("completeness", _("Monthly reports per cooperative"), columns, rows)


def completeness_by_month_table(found: Completeness, language: str) -> Table:
    shown = [s for s in ReportingState if s != ReportingState.NOT_EXPECTED]
    columns = [_("Month"), _("Expected"), *(str(STATE_LABELS[s]).capitalize() for s in shown), _("On time (share)")]
    rows = []
    for month in found.by_month:
        share = month.on_time_share
        percent = Shown(NOT_AVAILABLE if share is None else f"{format_number(round(Decimal(share * 100)), language)}%")
        rows.append(
            Row(
                (
                    format_period(month.period, language),
                    month.expected,
                    *(month.states.get(s, 0) for s in shown),
                    percent,
                )
            )
        )
    return Table("completeness-by-month", _("Per month"), columns, rows)


def revisions_table(found: list[LateRevision], language: str) -> Table:
    columns = [_("Cooperative"), _("Month"), _("Revision"), _("Received"), _("Complete month")]
    rows = [Row((r.node_name, format_period(r.period, language), r.revision, r.received_at, r.complete)) for r in found]
    return Table("revisions", _("Reports received after the moment"), columns, rows)


def social_value_table(found: SocialValue, language: str) -> Table:
    columns = [_("Months"), _("Volunteer hours"), _("Value"), _("Method"), _("Rate per hour"), _("Source")]
    rows = []
    for part in found.parts:
        months = ", ".join(format_month_short(m, language) for m in part.months)
        rate = Shown(format_rate(part.terms.rate, language))
        source = part.terms.source + (f" ({part.terms.source_url})" if part.terms.source_url else "")
        euros = Shown(format_euros(part.euros, language))
        rows.append(Row((months, part.hours, euros, str(METHOD_LABELS[part.terms.method]), rate, Shown(source, False))))
    if found.unvalued_months:
        months = ", ".join(format_month_short(m, language) for m in found.unvalued_months)
        rows.append(Row((months, None, Shown(_("not valued: no rate set")), "—", "—", Shown("—", False))))
    totals = [found.hours, found.euros, *(p.hours for p in found.parts)]
    return Table("social-value", _("Volunteer hours valued in euros"), columns, rows, _notes(totals))
