"""One metric across the parts of an area: per municipality, wijk, buurt or node, each combined by the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from federation.hub.areas.services import Population, areas_by_code, children_of, population_of
from federation.hub.dashboards.coverage import NodeSpan, spans_serving
from federation.hub.dashboards.key_figures import rate_of
from federation.hub.dashboards.selection import AreaKind, AreaSelection, PeriodSelection, Scope, check_category
from federation.hub.dashboards.sources import (
    Grouped,
    figures_condition,
    from_figures,
    from_totals,
    totals_areas_condition,
    wijk_totals_condition,
)
from federation.hub.dashboards.targets import AreaView, Target, covered_population, metric_total, metrics_of, resolve
from federation.hub.figures.totals import code_range
from federation.protocol.areas import AreaLevel, area_level, wijk_of
from federation.protocol.codelists import ALL_CATEGORIES, Metric
from federation.protocol.combine import Total
from wijknet.errors import FieldError, InvalidInput
from wijknet.web.database import utcnow


class Breakdown(StrEnum):
    MUNICIPALITY = "municipality"
    WIJK = "wijk"
    BUURT = "buurt"
    NODE = "node"
    AREA = "area"  # the areas one node reports on


ALLOWED = {
    AreaKind.CITY: (Breakdown.WIJK, Breakdown.MUNICIPALITY, Breakdown.NODE),
    AreaKind.MUNICIPALITY: (Breakdown.WIJK, Breakdown.NODE),
    AreaKind.WIJK: (Breakdown.BUURT, Breakdown.NODE),
    AreaKind.BUURT: (Breakdown.NODE,),
    AreaKind.NODE: (Breakdown.AREA,),
}


@dataclass(frozen=True)
class AreaRow:
    code: str  # the CBS code, or the node's id
    name: str | None  # None: known by its code only
    total: Total
    per_1000: Total | None
    population: int | None
    nodes: int  # nodes reporting on it (0: no cooperative there)


@dataclass(frozen=True)
class AreaBreakdown:
    area: AreaView
    breakdown: Breakdown
    metric: Metric
    category: str
    period: PeriodSelection
    months: list[str]
    rows: list[AreaRow]  # by code; every known part, also those without figures


def by_area(
    scope: Scope,
    period: PeriodSelection,
    area: AreaSelection,
    metric: str,
    category: str = ALL_CATEGORIES,
    *,
    breakdown: Breakdown | None = None,
    now: datetime | None = None,
    target: Target | None = None,
) -> AreaBreakdown:
    """One row per wijk (of the city or a municipality), buurt (of a wijk) or node, for one metric."""
    now = now or utcnow()
    category = check_category(category)
    (chosen,) = metrics_of([metric])
    breakdown = breakdown or ALLOWED[area.kind][0]
    if breakdown not in ALLOWED[area.kind]:
        allowed = ", ".join(ALLOWED[area.kind])
        raise InvalidInput("Not a breakdown.", [FieldError("breakdown", f"For this area: {allowed}.")])
    target = resolve(scope, area, target)
    months = period.months_started(now)
    codes, monthly = _parts(target, breakdown, category, months, chosen.code)
    names, populations = _labels(target, breakdown, codes)
    came = target.came(months)
    serving = _serving(target.spans, breakdown, codes)
    rows = []
    for code in sorted(codes):
        spans = serving[code]
        total = metric_total(chosen, category, monthly, code, months, target.missing(months, now, spans, came))
        # A municipality's rate is per inhabitant of the areas its cooperatives report on, as on its own page.
        population = covered_population(spans) if breakdown == Breakdown.MUNICIPALITY else populations.get(code)
        rate = rate_of(chosen, total, AreaView(target.selection, None, population, len(spans), ()))
        inhabitants = population.inhabitants if population else None
        rows.append(AreaRow(code, names.get(code), total, rate, inhabitants, len(spans)))
    return AreaBreakdown(target.view, breakdown, chosen, category, period, months, rows)


def _serving(spans: list[NodeSpan], breakdown: Breakdown, codes: set[str]) -> dict[str, list[NodeSpan]]:
    """Per part, the nodes reporting on it."""
    if breakdown == Breakdown.AREA:
        return {code: spans for code in codes}
    if breakdown == Breakdown.NODE:
        by_id = {s.node_id: s for s in spans}
        return {code: [by_id[code]] if code in by_id else [] for code in codes}
    return spans_serving(spans, AreaKind(breakdown.value), codes)


def _parts(
    target: Target, breakdown: Breakdown, category: str, months: list[str], metric: str
) -> tuple[set[str], Grouped]:
    """The parts' codes (known ones, and any with figures) and their cells per (part, metric, month)."""
    kind, code = target.selection.kind, target.selection.code
    municipalities = target.view.municipalities
    if breakdown == Breakdown.NODE:
        codes = {s.node_id for s in target.spans}
    elif breakdown == Breakdown.AREA:
        codes = set(target.spans[0].areas)
    elif breakdown == Breakdown.MUNICIPALITY:
        codes = set(municipalities)
    elif breakdown == Breakdown.WIJK:  # the spans are the city's or the municipality's nodes
        codes = {a.code for m in municipalities for a in children_of(m)} | {w for s in target.spans for w in s.wijken()}
    else:
        codes = {a.code for a in children_of(str(code))} | {
            a for s in target.spans for a in s.areas if area_level(a) == AreaLevel.BUURT and wijk_of(a) == code
        }
    if not months:
        return codes, {}
    if breakdown == Breakdown.MUNICIPALITY:
        monthly = from_totals(totals_areas_condition(municipalities), category, months, [metric], per_area=True)
    elif breakdown == Breakdown.WIJK:
        monthly = from_totals(wijk_totals_condition(municipalities), category, months, [metric], per_area=True)
    elif breakdown == Breakdown.BUURT:
        buurten = [lambda f: code_range(f.area, "BU" + str(code)[2:])]  # every node's buurt figures add
        monthly = from_figures(buurten, category, months, [metric], group="area")
    elif breakdown == Breakdown.AREA:
        monthly = from_figures([lambda f: f.node_id == code], category, months, [metric], group="area")
    else:
        monthly = from_figures(
            figures_condition(kind, code, municipalities), category, months, [metric], group="node_id"
        )
    return codes | {group for group, _, _ in monthly}, monthly


def _labels(
    target: Target, breakdown: Breakdown, codes: set[str]
) -> tuple[dict[str, str], dict[str, Population | None]]:
    """The parts' names and populations, in one query."""
    if breakdown == Breakdown.NODE:
        known = areas_by_code(a for s in target.spans for a in s.areas)
        return {s.node_id: s.name for s in target.spans}, {
            s.node_id: population_of(s.areas, known) for s in target.spans
        }
    known = areas_by_code(codes)
    return {c: a.short_name for c, a in known.items() if a.name}, {c: population_of([c], known) for c in codes}
