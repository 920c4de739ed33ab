"""The dashboards' filters from the URL (`?period=2026-Q3&area=GM0344&category=_all`), and what the form offers.

Every filter has its text form from `selection.py`, so a page's address can
be bookmarked and shared. A value that cannot be read is not guessed at: the
page says which filter is wrong, in the reader's language, with a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from federation.hub.areas.services import areas_by_code, children_of
from federation.hub.dashboards.by_area import ALLOWED, Breakdown
from federation.hub.dashboards.coverage import NodeSpan
from federation.hub.dashboards.formatting import format_period
from federation.hub.dashboards.selection import AreaKind, AreaSelection, PeriodSelection, Scope, check_category
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORIES, METRIC_BY_CODE, METRICS
from federation.protocol.periods import period_of, previous_period, shift_period
from wijknet.errors import InvalidInput

DEFAULT_METRIC = "requests_new"
RECENT_MONTHS = 12
RECENT_QUARTERS = 6
RECENT_YEARS = 3


@dataclass(frozen=True)
class Filters:
    period: PeriodSelection
    area: AreaSelection
    category: str
    metric: str
    breakdown: Breakdown | None

    def args(self, **changes: str) -> dict[str, str]:
        """The filters as URL arguments (for links and the CSV download), with some changed."""
        found = {"period": self.period.key, "area": self.area.key, "category": self.category, "metric": self.metric}
        if self.breakdown is not None:
            found["breakdown"] = self.breakdown.value
        return {k: v for k, v in (found | changes).items() if v}


class FilterError(Exception):
    """A filter in the URL that cannot be read; `messages` say which, for people."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def default_period(now: datetime) -> str:
    """The last month that has ended: the newest one whose reports can be complete."""
    return previous_period(period_of(now))


def default_area(scope: Scope) -> str:
    """A municipality's user starts at its own municipality; the city cooperative at the whole city."""
    if scope.municipalities is not None and len(scope.municipalities) == 1:
        return next(iter(scope.municipalities))
    return AreaKind.CITY.value


def read_filters(args: Mapping[str, str], scope: Scope, now: datetime) -> Filters:
    """The filters of a request, or FilterError naming every one that is wrong."""
    messages = []
    period_text = (args.get("period") or "").strip() or default_period(now)
    try:
        period = PeriodSelection.parse(period_text)
    except InvalidInput:
        period = None
        messages.append(
            _("The period %(value)s is not a month (2026-10), quarter (2026-Q4) or year (2026).", value=period_text)
        )
    area_text = (args.get("area") or "").strip() or default_area(scope)
    try:
        area = AreaSelection.parse(area_text)
    except InvalidInput:
        area = None
        messages.append(
            _("The area %(value)s is not the city, a CBS code (GM, WK, BU) or a cooperative.", value=area_text)
        )
    category = (args.get("category") or "").strip() or ALL_CATEGORIES
    try:
        check_category(category)
    except InvalidInput:
        messages.append(_("The category %(value)s is not in the list.", value=category))
    metric = (args.get("metric") or "").strip() or DEFAULT_METRIC
    if metric not in METRIC_BY_CODE:
        messages.append(_("The figure %(value)s is not in the list.", value=metric))
    breakdown = None
    if args.get("breakdown"):
        try:
            breakdown = Breakdown(args["breakdown"])
        except ValueError:
            messages.append(_("The breakdown %(value)s is not in the list.", value=args["breakdown"]))
        else:
            # The form keeps the last breakdown when the area changes: one that does not fit falls back to the default.
            if area is not None and breakdown not in ALLOWED[area.kind]:
                breakdown = None
    if messages or period is None or area is None:
        raise FilterError(messages)
    return Filters(period, area, category, metric, breakdown)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    group: str = ""


def period_choices(now: datetime, language: str) -> list[Choice]:
    """Recent months, quarters and years for the period field's suggestions (any other can be typed)."""
    last = default_period(now)
    months = [shift_period(last, -i) for i in range(RECENT_MONTHS)]
    year, month = int(last[:4]), int(last[5:])
    quarters = []
    quarter = (month - 1) // 3 + 1
    for _i in range(RECENT_QUARTERS):
        quarters.append(f"{year}-Q{quarter}")
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    years = [str(int(last[:4]) - i) for i in range(RECENT_YEARS)]
    return [Choice(p, format_period(p, language)) for p in (*months, *quarters, *years)]


def area_choices(scope: Scope, spans: list[NodeSpan], language: str) -> list[Choice]:
    """The city, the municipalities in view with their wijken, and the cooperatives (`spans`: the scope's nodes)."""
    if scope.municipalities is not None:
        municipalities = tuple(sorted(scope.municipalities))
    else:
        municipalities = tuple(sorted({s.municipality for s in spans}))
    choices = []
    if scope.municipalities is None or len(scope.municipalities) > 1:
        choices.append(Choice(AreaKind.CITY.value, _("The whole city"), _("City")))
    names = areas_by_code(municipalities)
    for code in municipalities:
        name = names[code].short_name if code in names else code
        group = _("Municipality %(name)s", name=name)
        choices.append(Choice(code, _("%(name)s (all wijken)", name=name), group))
        choices.extend(Choice(w.code, w.short_name, group) for w in children_of(code))
    choices.extend(Choice("node:" + s.node_id, s.name, _("Cooperatives")) for s in spans)
    return choices


def category_choices(language: str) -> list[Choice]:
    return [Choice(ALL_CATEGORIES, _("All categories"))] + [Choice(c.code, c.label(language)) for c in CATEGORIES]


def metric_choices(language: str) -> list[Choice]:
    return [Choice(m.code, m.label(language)) for m in METRICS]


def breakdown_choices(area: AreaSelection) -> list[Choice]:
    labels = {
        Breakdown.MUNICIPALITY: _("per municipality"),
        Breakdown.WIJK: _("per wijk"),
        Breakdown.BUURT: _("per buurt"),
        Breakdown.NODE: _("per cooperative"),
        Breakdown.AREA: _("per area"),
    }
    return [Choice(b.value, labels[b]) for b in ALLOWED[area.kind]]
