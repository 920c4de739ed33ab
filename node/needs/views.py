"""The needs analysis as a page: where demand outruns supply, per category and buurt, and how long people wait.

The figures are those of `/api/v1/needs-analysis` (node.needs.services);
each chart is drawn on the server (wijknet.web.charts) and has its table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import MonthField, SelectChoice, SelectField
from wtforms.validators import Optional

from federation.protocol.periods import parse_period, period_of, shift_period
from node.accounts.services import actor_for_account
from node.code_labels import buurt_choices, buurt_name, category_choices, category_name, install_code_labels
from node.menu import NEEDS_ORDER, MenuEntry
from node.needs.api import DEFAULT_MONTHS
from node.needs.services import MAX_MONTHS, NeedsAnalysis, NeedsRow, needs_analysis
from schemas.node.codes import Role
from wijknet.errors import InvalidInput
from wijknet.web import charts
from wijknet.web.database import utcnow
from wijknet.web.i18n import current_language

# Room for the names of categories and buurten left of the bars (pixels of the 440 wide chart).
CATEGORY_LABELS = 190

needs_pages = Blueprint("needs_pages", __name__, url_prefix="/needs")
needs_pages.record_once(install_code_labels)
MENU = MenuEntry("needs_pages.analysis", _l("Needs analysis"), frozenset({Role.COORDINATOR, Role.ADMIN}), NEEDS_ORDER)


class NeedsFilterForm(FlaskForm):
    class Meta:
        csrf = False  # GET: it changes nothing

    period_from = MonthField(_l("From month"), validators=[Optional()], description=_l("For example 2026-01"))
    period_to = MonthField(_l("Up to and including"), validators=[Optional()], description=_l("For example 2026-12"))
    category = SelectField(_l("Category"), default="")
    buurt = SelectField(_l("Buurt"), default="")


@dataclass
class NeedsCharts:
    gap_by_category: Markup | None  # None: nowhere do more requests wait than there are offers
    gap_by_buurt: Markup | None
    waiting_by_category: Markup | None  # None: nothing was matched in the period


def _filter_form() -> NeedsFilterForm:
    form = NeedsFilterForm(formdata=request.args)
    form.category.choices = [SelectChoice("", _l("All categories")), *category_choices()]
    form.buurt.choices = [SelectChoice("", _l("All buurten")), *buurt_choices()]
    return form


def _months(form: NeedsFilterForm) -> tuple[str, str]:
    """The months chosen, or the last twelve up to this one (as the API); the form then shows them."""
    last = f"{form.period_to.data:%Y-%m}" if form.period_to.data else period_of(utcnow())
    first = f"{form.period_from.data:%Y-%m}" if form.period_from.data else shift_period(last, 1 - DEFAULT_MONTHS)
    form.period_from.data, form.period_to.data = _first_day(first), _first_day(last)
    return first, last


def _first_day(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, 1)


def _month_name(period: str) -> str:
    return format_date(_first_day(period), "LLLL yyyy")


def _shortage_by_buurt(rows: list[NeedsRow]) -> list[tuple[str | None, int]]:
    """Per buurt, the requests waiting beyond the offers, added up over the categories short of offers.

    Only the shortages count: a surplus of gardeners does not answer a
    shortage of drivers. The largest first.
    """
    shortage: dict[str | None, int] = {}
    for row in rows:
        if row.gap > 0:
            shortage[row.buurt_code] = shortage.get(row.buurt_code, 0) + row.gap
    return sorted(shortage.items(), key=lambda item: (-item[1], item[0] or ""))


def _charts(analysis: NeedsAnalysis) -> NeedsCharts:
    language = current_language()
    short = [t for t in analysis.totals if t.gap > 0]
    short_buurten = _shortage_by_buurt(analysis.rows)
    waited = [t for t in analysis.totals if t.waiting_days_median is not None]
    gap_unit = _("open requests more than active offers")

    return NeedsCharts(
        gap_by_category=charts.bar_chart(
            "gap-by-category",
            _("Where demand outruns supply, per category"),
            [charts.ChartValue(category_name(t.category), t.gap) for t in short],
            gap_unit,
            language,
            label_width=CATEGORY_LABELS,
        )
        if short
        else None,
        gap_by_buurt=charts.bar_chart(
            "gap-by-buurt",
            _("Where demand outruns supply, per buurt"),
            [charts.ChartValue(buurt_name(code), shortage) for code, shortage in short_buurten],
            gap_unit,
            language,
            label_width=CATEGORY_LABELS,
        )
        if short_buurten
        else None,
        waiting_by_category=charts.bar_chart(
            "waiting-by-category",
            _("Waiting time to a first match, per category"),
            [
                charts.ChartValue(category_name(t.category), t.waiting_days_median)
                for t in sorted(waited, key=lambda t: -(t.waiting_days_median or 0))
            ],
            _("days (median)"),
            language,
            label_width=CATEGORY_LABELS,
        )
        if waited
        else None,
    )


@needs_pages.get("")
@login_required
def analysis() -> tuple[str, int]:
    actor = actor_for_account(current_user)
    form = _filter_form()
    if request.args and not form.validate():
        return render_template("needs/analysis.html", form=form, analysis=None, charts=None), 400
    first, last = _months(form)
    try:
        found = needs_analysis(
            actor, first, last, category=form.category.data or None, buurt_code=form.buurt.data or None
        )
    except InvalidInput as exc:
        field = form.period_to if any(e.field == "period_to" for e in exc.errors) else form.period_from
        message = _(
            "Choose months from 2000 on, at most %(months)d of them, the first before the last.", months=MAX_MONTHS
        )
        field.errors = [*field.errors, message]
        return render_template("needs/analysis.html", form=form, analysis=None, charts=None), 400
    return render_template(
        "needs/analysis.html",
        form=form,
        analysis=found,
        charts=_charts(found),
        months=(_month_name(first), _month_name(last)),
    ), 200
