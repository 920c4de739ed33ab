"""Figures as people read them: Dutch number formatting, and a lower bound always as "≥ 120".

The one place that turns a `Total` into text, shared by the dashboard
tables, the charts, the CSV downloads and the municipal reports, so that a
lower bound can never be printed as if it were exact anywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from flask_babel import gettext as _

from federation.hub.dashboards.needs import Gap, GapBound
from federation.protocol.combine import Bound, Total
from federation.protocol.periods import parse_period
from wijknet.web.charts import AT_LEAST, NOT_AVAILABLE, format_number  # the same numbers as the charts


def format_total(total: Total | None, locale: str) -> str:
    """ "≥ 1.234", "1.234" or "—": a lower bound is never shown as an exact number."""
    if total is None:
        return NOT_AVAILABLE
    return total.text(format_number(total.value, locale) if total.value is not None else None)


def format_euros(total: Total | None, locale: str) -> str:
    """ "≥ € 1.234,50", "€ 1.234,50" or "—"."""
    if total is None or total.value is None:
        return NOT_AVAILABLE
    return total.text(format_currency(total.value, "EUR", locale=locale))


def format_rate(rate: Decimal, locale: str) -> str:
    return format_currency(rate, "EUR", locale=locale)


def format_gap(gap: Gap, locale: str) -> str:
    """The unmet demand: exact, at least (≥), at most (≤), or unknown when both sides are lower bounds."""
    if gap.value is None or gap.bound is None:
        return NOT_AVAILABLE
    number = format_number(gap.value, locale)
    if gap.bound == GapBound.AT_LEAST:
        return f"{AT_LEAST} {number}"
    if gap.bound == GapBound.AT_MOST:
        return f"≤ {number}"
    if gap.bound == GapBound.UNKNOWN:
        return "?"
    return number


def format_period(key: str, locale: str) -> str:
    """A period's text form for a heading: `2026-10` as "oktober 2026", `2026-Q4` as "Q4 2026", `2026` as is."""
    if len(key) == 7 and key[4] == "-" and key[5:].isdigit():
        year, month = parse_period(key)
        return format_date(date(year, month, 1), "LLLL yyyy", locale=locale)
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return _("Q%(quarter)s %(year)s", quarter=quarter, year=year)
    if ".." in key:
        first, last = key.split("..")
        return f"{format_period(first, locale)} – {format_period(last, locale)}"
    return key


def format_month_short(period: str, locale: str) -> str:
    """ "okt 2026": a chart's axis label."""
    year, month = parse_period(period)
    return format_date(date(year, month, 1), "MMM yyyy", locale=locale).replace(".", "")


def bound_reasons(total: Total | None) -> list[str]:
    """Why a total is a lower bound, in the reader's language (empty for an exact one)."""
    if total is None or not total.lower_bound:
        return []
    reasons = {
        Bound.SUPPRESSED: _("%(count)d small numbers were withheld for privacy", count=total.suppressed),
        Bound.MISSING: _("%(count)d monthly reports have not come in", count=total.missing),
        Bound.LARGEST_MONTH: _("people active in several months are counted once: the busiest month is shown"),
        Bound.UNVALUED: _("hours of months without a valuation are left out"),
    }
    return [str(reasons[b]) for b in Bound if b in total.bounds]
