"""The dashboards' charts: the hub's totals drawn with the shared SVG charts (`wijknet.web.charts`).

A `Total` that includes withheld or missing figures is a lower bound; the
shared charts draw it open and label it "≥ 120", never as exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from federation.protocol.combine import Total
from wijknet.web import charts


@dataclass(frozen=True)
class Datum:
    label: str  # a month ("okt 2026") or an area's name
    total: Total

    def as_value(self) -> charts.ChartValue:
        return charts.ChartValue(self.label, self.total.value, self.total.lower_bound)


def bar_chart(chart_id: str, title: str, data: list[Datum], unit: str, locale: str) -> Markup:
    """Horizontal bars, one per area; hatched and open where a figure is a lower bound."""
    return charts.bar_chart(chart_id, title, [d.as_value() for d in data], unit, locale)


def line_chart(chart_id: str, title: str, data: list[Datum], unit: str, locale: str) -> Markup:
    """A line through the months: a lower bound is an open circle marked "≥"; no figure, a gap."""
    return charts.line_chart(chart_id, title, [d.as_value() for d in data], unit, locale)
