"""An area selection made concrete for one caller: its name, population, nodes, and its figures month by month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from federation.hub.areas.services import Population, areas_by_code, parent_of, population_of
from federation.hub.dashboards.coverage import NodeSpan, missing_by_month, node_spans, reported
from federation.hub.dashboards.selection import AreaKind, AreaSelection, Scope
from federation.hub.dashboards.sources import (
    EMPTY,
    Grouped,
    figures_condition,
    from_figures,
    from_totals,
    totals_areas_condition,
)
from federation.hub.figures.projection import project_pending
from federation.protocol.codelists import ALL_CATEGORIES, METRIC_BY_CODE, METRICS, Metric
from federation.protocol.combine import Total, Unavailable, not_available, over_months
from federation.protocol.periods import period_of
from wijknet.errors import FieldError, InvalidInput, NotFound


@dataclass(frozen=True)
class Reporting:
    """The node-months behind a figure: how many should be in, and how many of them are not."""

    expected: int
    missing: int


@dataclass(frozen=True)
class AreaView:
    """What the figures are of, for a heading: the selection, its name, population and nodes."""

    selection: AreaSelection
    name: str | None  # None for the city, and for an area known by its code only
    population: Population | None
    nodes: int  # nodes reporting on it
    municipalities: tuple[str, ...]  # those it lies in (the city: every one in view)
    # True where `population` is of the areas cooperatives report on only (the city, a municipality):
    # a rate per 1,000 of a whole municipality whose cooperatives serve three wijken would read far too low.
    covered_only: bool = False


@dataclass(frozen=True)
class Target:
    """A selection resolved for one caller; a page showing several answers for it resolves it once."""

    scope: Scope
    view: AreaView
    spans: list[NodeSpan]
    # The node-months that came, per month range asked: key figures, trend and breakdown of one page share them.
    _came: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def selection(self) -> AreaSelection:
        return self.view.selection

    def monthly(self, category: str, months: list[str], metrics: Iterable[str]) -> Grouped:
        """The target's cells per (metric, month), summed in the database."""
        kind, code = self.selection.kind, self.selection.code
        if kind == AreaKind.CITY:
            return from_totals(totals_areas_condition(self.view.municipalities), category, months, metrics)
        if kind in (AreaKind.MUNICIPALITY, AreaKind.WIJK):
            return from_totals(lambda t: t.area == code, category, months, metrics)
        return from_figures(figures_condition(kind, code, self.view.municipalities), category, months, metrics)

    def came(self, months: list[str]) -> set[tuple[str, str]]:
        """The (node, month) pairs that came, of the target's nodes."""
        if not months:
            return set()
        key = (months[0], months[-1])
        if key not in self._came:
            self._came[key] = reported((s.node_id for s in self.spans), months[0], months[-1])
        return self._came[key]

    def missing(
        self, months: list[str], now: datetime, spans: list[NodeSpan] | None = None, came: set | None = None
    ) -> dict[str, int]:
        """Per month, the node-months that should be in and are not (of these spans, or all the target's)."""
        came = self.came(months) if came is None else came
        return missing_by_month(self.spans if spans is None else spans, months, came, period_of(now))

    def reporting(self, months: list[str], now: datetime, missing: dict[str, int]) -> Reporting:
        current = period_of(now)
        expected = sum(1 for m in months for s in self.spans if s.expected(m, current))
        return Reporting(expected, sum(missing.values()))


def resolve(scope: Scope, selection: AreaSelection, resolved: Target | None = None) -> Target:
    """The selection for this caller: refused outside its municipalities, a node it may not see is not found.

    `resolved` is the same selection resolved for the same caller earlier in the request: used as it is.
    """
    if resolved is not None and resolved.scope == scope and resolved.selection == selection:
        return resolved
    project_pending()  # every reader brings the figures up to date first
    selection.require_visible(scope)
    kind, code = selection.kind, selection.code
    if kind == AreaKind.NODE:
        spans = node_spans(scope, node_id=code)
        if not spans:
            raise NotFound(f"No node {code}.")
        node = spans[0]
        view = AreaView(selection, node.name, population_of(node.areas), 1, (node.municipality,))
        return Target(scope, view, spans)
    if kind == AreaKind.CITY:
        spans = node_spans(scope)
        # A municipality's caller sees its own even before a cooperative there reports; the others every one with nodes.
        seen = scope.municipalities if scope.municipalities is not None else {s.municipality for s in spans}
        municipalities = tuple(sorted(seen))
        view = AreaView(selection, None, covered_population(spans), len(spans), municipalities, covered_only=True)
        return Target(scope, view, spans)
    municipality = str(selection.municipality)
    spans = [s for s in node_spans(Scope.only(municipality)) if s.serves(kind, code)]
    known = areas_by_code([str(code)])
    area = known.get(str(code))
    name = area.short_name if area else None
    if kind == AreaKind.MUNICIPALITY:
        view = AreaView(selection, name, covered_population(spans), len(spans), (municipality,), covered_only=True)
    else:
        view = AreaView(selection, name, population_of([str(code)], known), len(spans), (municipality,))
    return Target(scope, view, spans)


def covered_population(spans: list[NodeSpan]) -> Population | None:
    """The inhabitants of the areas these nodes report on, a buurt inside a reported wijk counted once."""
    codes = {code for span in spans for code in span.areas}
    codes = {code for code in codes if parent_of(code) not in codes}
    return population_of(codes) if codes else None


def metric_total(
    metric: Metric, category: str, monthly: Grouped, group: str, months: list[str], missing: dict[str, int]
) -> Total:
    """A metric's figure for the period, from its months, by the metric's kind."""
    if category != ALL_CATEGORIES and not metric.per_category:
        return not_available(Unavailable.NOT_PER_CATEGORY)
    per_month = [monthly.get((group, metric.code, m), EMPTY).total(metric.code, missing.get(m, 0)) for m in months]
    return over_months(metric.kind, per_month)


def month_total(metric: Metric, category: str, monthly: Grouped, group: str, month: str, missing: int) -> Total:
    if category != ALL_CATEGORIES and not metric.per_category:
        return not_available(Unavailable.NOT_PER_CATEGORY)
    return monthly.get((group, metric.code, month), EMPTY).total(metric.code, missing)


def metrics_of(codes: Iterable[str] | None) -> list[Metric]:
    """The metrics asked for, in code-list order; every one by default."""
    if codes is None:
        return list(METRICS)
    wanted = set(codes)
    unknown = wanted - set(METRIC_BY_CODE)
    if unknown:
        raise InvalidInput("Not a metric.", [FieldError("metric", f"{sorted(unknown)[0]!r} is not in the code list.")])
    return [m for m in METRICS if m.code in wanted]
