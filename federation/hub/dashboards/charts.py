"""Charts drawn on the server as inline SVG: a line for a trend, bars for a breakdown; no JavaScript, no CDN.

A board member reads them at a glance, so each has a title, axis labels
with the unit, Dutch numbers, and a text alternative (`role="img"`,
`<title>`, `<desc>`). A lower bound is never drawn as exact: its bar is
hatched and open, its point an open circle, and its label reads "≥ 120".
The same figures stand in a table beside every chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from markupsafe import Markup

from federation.hub.dashboards.formatting import AT_LEAST, format_number, format_total
from federation.protocol.combine import Total

WIDTH = 440
FONT = 12
BAR_HEIGHT = 20
BAR_GAP = 8
LABEL_WIDTH = 140  # the area names left of the bars
MAX_LABEL_CHARS = 19
VALUE_ROOM = 78  # right of the longest bar, for "≥ 12.345"
LINE_HEIGHT = 240
ALL_POINT_LABELS = 6  # up to this many points every value is written; beyond, the last one only
MAX_MONTH_LABELS = 6


@dataclass(frozen=True)
class Datum:
    label: str  # a month ("okt 2026") or an area's name
    total: Total


def nice_ceiling(value: Decimal) -> Decimal:
    """The axis' end: 1, 2 or 5 times a power of ten, at least the largest value."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** math.floor(math.log10(float(value)))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: Decimal) -> list[Decimal]:
    return [top * i / 4 for i in range(5)]


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def _description(data: list[Datum], unit: str, locale: str) -> str:
    values = "; ".join(f"{d.label}: {format_total(d.total, locale)}" for d in data)
    return f"{unit}. {values}." if data else unit


def _frame(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e3eef1"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#1f4e5f" stroke-width="2"/></pattern></defs>'
        + "".join(body)
        + "</svg>"
    )


def _legend(chart_id: str, y: int, bars: bool) -> str:
    mark = (
        f'<rect x="0" y="{y - 11}" width="22" height="12" fill="url(#{chart_id}-hatch)" stroke="#1f4e5f"/>'
        if bars
        else f'<circle cx="8" cy="{y - 5}" r="5" fill="#fff" stroke="#1f4e5f" stroke-width="2"/>'
    )
    text = escape(_("%(sign)s at least this number: some figures were withheld or are missing", sign=AT_LEAST))
    return f'{mark}<text x="28" y="{y}" fill="#1d2327" font-size="{FONT - 1}">{text}</text>'


def bar_chart(chart_id: str, title: str, data: list[Datum], unit: str, locale: str) -> Markup:
    """Horizontal bars, one per area (names fit on a phone); hatched and open where a figure is a lower bound."""
    values = [d.total.value for d in data if d.total.value is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    rows_top = 8
    body = []
    for tick in _ticks(top):
        x = LABEL_WIDTH + float(tick / top) * plot
        bottom = rows_top + len(data) * (BAR_HEIGHT + BAR_GAP)
        body.append(f'<line x1="{x:.1f}" y1="{rows_top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#d9d4ca"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#5b6770" font-size="{FONT - 2}">'
            f"{escape(format_number(tick.normalize(), locale))}</text>"
        )
    for index, datum in enumerate(data):
        y = rows_top + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2 + FONT / 2 - 2
        label = escape(_shorten(datum.label))
        body.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" fill="#1d2327">{label}</text>')
        shown = escape(format_total(datum.total, locale))
        length = float(datum.total.value / top) * plot if datum.total.value is not None else 0.0
        if datum.total.value is not None:
            fill = f"url(#{chart_id}-hatch)" if datum.total.lower_bound else "#1f4e5f"
            dash = ' stroke-dasharray="4 2"' if datum.total.lower_bound else ""
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1.5):.1f}" height="{BAR_HEIGHT}" fill="{fill}" '
                f'stroke="#1f4e5f"{dash}><title>{escape(datum.label)}: {shown}</title></rect>'
            )
        body.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" fill="#1d2327">{shown}</text>')
    axis_y = rows_top + len(data) * (BAR_HEIGHT + BAR_GAP) + 36
    body.append(
        f'<text x="{LABEL_WIDTH + plot / 2:.1f}" y="{axis_y}" text-anchor="middle" fill="#1d2327">{escape(unit)}</text>'
    )
    height = axis_y + 10
    if any(d.total.lower_bound for d in data):
        height += 24
        body.append(_legend(chart_id, height - 8, bars=True))
    return _frame(chart_id, title, _description(data, unit, locale), WIDTH, height, body)


def line_chart(chart_id: str, title: str, data: list[Datum], unit: str, locale: str) -> Markup:
    """A line through the months, oldest left: a lower bound is an open circle marked "≥"; no figure, a gap."""
    left, right, top_margin, plot_height = 64, 24, 22, LINE_HEIGHT - 80
    plot_width = WIDTH - left - right
    values = [d.total.value for d in data if d.total.value is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    step = plot_width / max(len(data) - 1, 1)
    body = []
    baseline = top_margin + plot_height
    for tick in _ticks(top):
        y = baseline - float(tick / top) * plot_height
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="#d9d4ca"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6770" font-size="{FONT - 2}">'
            f"{escape(format_number(tick.normalize(), locale))}</text>"
        )
    every = max(1, math.ceil(len(data) / MAX_MONTH_LABELS))
    points: list[tuple[float, float, Datum] | None] = []
    for index, datum in enumerate(data):
        x = left + index * step if len(data) > 1 else left + plot_width / 2
        if (len(data) - 1 - index) % every == 0:  # counted from the newest month, which is always named
            body.append(
                f'<text x="{x:.1f}" y="{baseline + 18}" text-anchor="middle" fill="#5b6770" font-size="{FONT - 2}">'
                f"{escape(datum.label)}</text>"
            )
        value = datum.total.value
        points.append(None if value is None else (x, baseline - float(value / top) * plot_height, datum))
    segment: list[str] = []
    for point in [*points, None]:
        if point is None:
            if len(segment) > 1:
                body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="#1f4e5f" stroke-width="2.5"/>')
            segment = []
        else:
            segment.append(f"{point[0]:.1f},{point[1]:.1f}")
    for index, point in enumerate(points):
        if point is None:
            continue
        x, y, datum = point
        shown = escape(format_total(datum.total, locale))
        fill = "#fff" if datum.total.lower_bound else "#1f4e5f"
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#1f4e5f" stroke-width="2">'
            f"<title>{escape(datum.label)}: {shown}</title></circle>"
        )
        if len(data) <= ALL_POINT_LABELS or index == len(data) - 1:
            body.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="#1d2327">{shown}</text>')
        elif datum.total.lower_bound:
            body.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="#1d2327">{AT_LEAST}</text>')
    body.append(
        f'<text x="14" y="{top_margin + plot_height / 2:.1f}" text-anchor="middle" fill="#1d2327" '
        f'transform="rotate(-90 14 {top_margin + plot_height / 2:.1f})">{escape(unit)}</text>'
    )
    body.append(
        f'<text x="{left + plot_width / 2:.1f}" y="{baseline + 40}" text-anchor="middle" fill="#1d2327">'
        f"{escape(_('Month'))}</text>"
    )
    height = LINE_HEIGHT - 14
    if any(d.total.lower_bound for d in data):
        height += 22
        body.append(_legend(chart_id, height - 6, bars=False))
    return _frame(chart_id, title, _description(data, unit, locale), WIDTH, height, body)
