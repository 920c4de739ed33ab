"""Charts drawn on the server as inline SVG: a line for a trend, bars for a breakdown; no JavaScript, no CDN.

Shared by the hub's dashboards and the node's overviews, so both look and
read the same. People read them at a glance, so each has a title, axis
labels with the unit, numbers in the reader's language, and a text
alternative (`role="img"`, `<title>`, `<desc>`). A value flagged as a lower
bound is never drawn as exact: its bar is hatched and open, its point an open
circle, and its label reads "≥ 120". The same figures stand in a table beside
every chart.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

NOT_AVAILABLE = "—"
AT_LEAST = "≥"

WIDTH = 440
FONT = 12
BAR_HEIGHT = 20
BAR_GAP = 8
LABEL_WIDTH = 140  # the names left of the bars, by default
CHAR_WIDTH = 7  # a wide character at FONT, so that a shortened name never runs off the left edge
VALUE_ROOM = 78  # right of the longest bar, for "≥ 12.345"
LINE_HEIGHT = 240
ALL_POINT_LABELS = 6  # up to this many points every value is written; beyond, the last one only
MAX_MONTH_LABELS = 6


@dataclass(frozen=True)
class ChartValue:
    """One bar or point: its label, its number (None: no figure) and whether the true number may be larger."""

    label: str  # a month ("okt 2026"), an area's or a category's name
    value: Decimal | int | float | None
    lower_bound: bool = False

    @property
    def number(self) -> Decimal | None:
        return None if self.value is None else Decimal(str(self.value))


def format_number(value: Decimal | int | float | None, locale: str) -> str:
    """1.234,5 in Dutch, 1,234.5 in English; "—" for no value."""
    if value is None:
        return NOT_AVAILABLE
    return _formatted(value, locale)


@functools.lru_cache(maxsize=8192)
def _formatted(value: Decimal | int | float, locale: str) -> str:
    # Babel takes some 30 µs a number (it parses the locale and the pattern each time) and a city
    # page writes a thousand numbers, most of them many times over: a third of the page budget.
    return format_decimal(value, locale=locale)


def format_value(value: Decimal | int | float | None, lower_bound: bool, locale: str) -> str:
    """ "≥ 1.234", "1.234" or "—": a lower bound is never shown as an exact number."""
    if value is None:
        return NOT_AVAILABLE
    number = format_number(value, locale)
    return f"{AT_LEAST} {number}" if lower_bound else number


def nice_ceiling(value: Decimal) -> Decimal:
    """The axis' end: 1, 2 or 5 times a power of ten, at least the largest value."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** math.floor(math.log10(float(value)))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: Decimal, whole: bool) -> list[Decimal]:
    """Four steps to the axis' end; for counts, whole steps ("1,25 requests" reads as nonsense)."""
    steps = next((n for n in (4, 5, 2) if (top / n) % 1 == 0), 1) if whole else 4
    return [top * i / steps for i in range(steps + 1)]


def _whole(values: list[Decimal]) -> bool:
    return all(v % 1 == 0 for v in values)


def _shorten(text: str, room: int) -> str:
    """The text, or as much as fits in `room` pixels followed by "…" (the full name is in the table and the title)."""
    most = max(4, room // CHAR_WIDTH)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _shown(datum: ChartValue, locale: str) -> str:
    return format_value(datum.value, datum.lower_bound, locale)


def _description(data: list[ChartValue], unit: str, locale: str) -> str:
    values = "; ".join(f"{d.label}: {_shown(d, locale)}" for d in data)
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


def bar_chart(
    chart_id: str,
    title: str,
    data: list[ChartValue],
    unit: str,
    locale: str,
    *,
    label_width: int = LABEL_WIDTH,
) -> Markup:
    """Horizontal bars, one per label (names fit on a phone); hatched and open where a value is a lower bound.

    `label_width` is the room for the names left of the bars: more for long
    names, such as a category and a buurt together.
    """
    values = [d.number for d in data if d.number is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    plot = WIDTH - label_width - VALUE_ROOM
    rows_top = 8
    body = []
    for tick in _ticks(top, _whole(values)):
        x = label_width + float(tick / top) * plot
        bottom = rows_top + len(data) * (BAR_HEIGHT + BAR_GAP)
        body.append(f'<line x1="{x:.1f}" y1="{rows_top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#d9d4ca"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#5b6770" font-size="{FONT - 2}">'
            f"{escape(format_number(tick.normalize(), locale))}</text>"
        )
    for index, datum in enumerate(data):
        y = rows_top + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2 + FONT / 2 - 2
        label = escape(_shorten(datum.label, label_width - 8))
        body.append(f'<text x="{label_width - 8}" y="{middle:.1f}" text-anchor="end" fill="#1d2327">{label}</text>')
        shown = escape(_shown(datum, locale))
        number = datum.number
        length = float(number / top) * plot if number is not None else 0.0
        if number is not None:
            fill = f"url(#{chart_id}-hatch)" if datum.lower_bound else "#1f4e5f"
            dash = ' stroke-dasharray="4 2"' if datum.lower_bound else ""
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{max(length, 1.5):.1f}" height="{BAR_HEIGHT}" fill="{fill}" '
                f'stroke="#1f4e5f"{dash}><title>{escape(datum.label)}: {shown}</title></rect>'
            )
        body.append(f'<text x="{label_width + length + 6:.1f}" y="{middle:.1f}" fill="#1d2327">{shown}</text>')
    axis_y = rows_top + len(data) * (BAR_HEIGHT + BAR_GAP) + 36
    body.append(
        f'<text x="{label_width + plot / 2:.1f}" y="{axis_y}" text-anchor="middle" fill="#1d2327">{escape(unit)}</text>'
    )
    height = axis_y + 10
    if any(d.lower_bound and d.value is not None for d in data):
        height += 24
        body.append(_legend(chart_id, height - 8, bars=True))
    return _frame(chart_id, title, _description(data, unit, locale), WIDTH, height, body)


def line_chart(chart_id: str, title: str, data: list[ChartValue], unit: str, locale: str) -> Markup:
    """A line through the months, oldest left: a lower bound is an open circle marked "≥"; no figure, a gap."""
    left, right, top_margin, plot_height = 64, 24, 22, LINE_HEIGHT - 80
    plot_width = WIDTH - left - right
    values = [d.number for d in data if d.number is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    step = plot_width / max(len(data) - 1, 1)
    body = []
    baseline = top_margin + plot_height
    for tick in _ticks(top, _whole(values)):
        y = baseline - float(tick / top) * plot_height
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="#d9d4ca"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6770" font-size="{FONT - 2}">'
            f"{escape(format_number(tick.normalize(), locale))}</text>"
        )
    every = max(1, math.ceil(len(data) / MAX_MONTH_LABELS))
    points: list[tuple[float, float, ChartValue] | None] = []
    for index, datum in enumerate(data):
        x = left + index * step if len(data) > 1 else left + plot_width / 2
        if (len(data) - 1 - index) % every == 0:  # counted from the newest month, which is always named
            body.append(
                f'<text x="{x:.1f}" y="{baseline + 18}" text-anchor="middle" fill="#5b6770" font-size="{FONT - 2}">'
                f"{escape(datum.label)}</text>"
            )
        number = datum.number
        points.append(None if number is None else (x, baseline - float(number / top) * plot_height, datum))
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
        shown = escape(_shown(datum, locale))
        fill = "#fff" if datum.lower_bound else "#1f4e5f"
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#1f4e5f" stroke-width="2">'
            f"<title>{escape(datum.label)}: {shown}</title></circle>"
        )
        if len(data) <= ALL_POINT_LABELS or index == len(data) - 1:
            body.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="#1d2327">{shown}</text>')
        elif datum.lower_bound:
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
    if any(d.lower_bound and d.value is not None for d in data):
        height += 22
        body.append(_legend(chart_id, height - 6, bars=False))
    return _frame(chart_id, title, _description(data, unit, locale), WIDTH, height, body)
