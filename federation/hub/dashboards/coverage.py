"""Which nodes are expected to report on an area, for which months, and which node-months came.

A node is expected from its enrolment month (or an earlier month it reported
anyway) for every month that has ended, until the month it was suspended in.
A month that should have come and did not leaves every total it belongs to
short: the total is then a lower bound (`Bound.MISSING`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from federation.hub.dashboards.selection import AreaKind, Scope
from federation.hub.extensions import db
from federation.hub.figures.models import ReportHead
from federation.hub.registry.models import Node, NodeArea, NodeStatus
from federation.protocol.areas import AreaLevel, area_level, wijk_of
from federation.protocol.periods import period_of


@dataclass(frozen=True)
class NodeSpan:
    node_id: str
    name: str
    municipality: str
    areas: tuple[str, ...]  # the CBS areas it is registered for
    status: NodeStatus
    first_month: str  # the first month it is expected to report
    last_month: str | None  # the month it was suspended in; None while active

    def expected(self, period: str, current: str) -> bool:
        """Should this node's report for `period` be in, with `current` the month in progress?"""
        return self.first_month <= period < current and (self.last_month is None or period <= self.last_month)

    def serves(self, kind: AreaKind, code: str | None) -> bool:
        """Does the node report on (something inside) this area?"""
        if kind == AreaKind.CITY:
            return True
        if kind == AreaKind.NODE:
            return self.node_id == code
        if kind == AreaKind.MUNICIPALITY:
            return self.municipality == code
        if kind == AreaKind.WIJK:
            return any(a == code or (area_level(a) == AreaLevel.BUURT and wijk_of(a) == code) for a in self.areas)
        return any(a == code or a == wijk_of(str(code)) for a in self.areas)

    def wijken(self) -> set[str]:
        """The wijken it reports on: registered ones, and those of registered buurten."""
        return {wijk_of(a) for a in self.areas if area_level(a) in (AreaLevel.WIJK, AreaLevel.BUURT)}


def node_spans(scope: Scope, node_id: str | None = None) -> list[NodeSpan]:
    """The nodes of the municipalities in scope (or one node), with the months they are expected for.

    Two queries whatever the number of nodes: each node's first reported month
    is a correlated MIN that the heads' primary key (node_id, period) answers
    with one index probe, where an IN list of every node id made PostgreSQL
    scan all heads.
    """
    chosen = []
    if scope.municipalities is not None:
        chosen.append(Node.municipality.in_(sorted(scope.municipalities)))
    if node_id is not None:
        chosen.append(Node.node_id == node_id)
    first_reported = select(func.min(ReportHead.period)).where(ReportHead.node_id == Node.node_id).scalar_subquery()
    nodes = db.session.execute(
        select(
            Node.node_id,
            Node.name,
            Node.municipality,
            Node.status,
            Node.enrolled_at,
            Node.suspended_at,
            first_reported.label("first_reported"),
        )
        .where(*chosen)
        .order_by(Node.node_id)
    ).all()
    areas: dict[str, list[str]] = {}
    area_rows = select(NodeArea.node_id, NodeArea.area_code).join(Node, Node.node_id == NodeArea.node_id)
    for node, code in db.session.execute(area_rows.where(*chosen).order_by(NodeArea.node_id, NodeArea.area_code)):
        areas.setdefault(node, []).append(code)
    spans = []
    for node in nodes:
        enrolled = period_of(node.enrolled_at)
        first = min(enrolled, node.first_reported or enrolled)
        suspended = node.suspended_at if node.status == NodeStatus.SUSPENDED else None
        last = period_of(suspended) if suspended is not None else None
        codes = tuple(areas.get(node.node_id, ()))
        spans.append(NodeSpan(node.node_id, node.name, node.municipality, codes, node.status, first, last))
    return spans


def spans_serving(spans: Iterable[NodeSpan], kind: AreaKind, codes: Iterable[str]) -> dict[str, list[NodeSpan]]:
    """Per code, the spans that serve it (`NodeSpan.serves`), in the spans' order: one pass over their areas.

    A breakdown of the city into its 200 wijken asked every node about every
    wijk (200 x 200 calls); an index of the areas answers each wijk at once.
    """
    spans = list(spans)
    codes = list(codes)
    if kind not in (AreaKind.WIJK, AreaKind.BUURT):
        return {code: [s for s in spans if s.serves(kind, code)] for code in codes}
    index: dict[str, list[NodeSpan]] = {}
    for span in spans:
        if kind == AreaKind.WIJK:  # a registered area, or the wijk of a registered buurt
            served = {*span.areas, *(wijk_of(a) for a in span.areas if area_level(a) == AreaLevel.BUURT)}
        else:  # a buurt is served by a node registered for it or for its wijk: look both up below
            served = set(span.areas)
        for code in served:
            index.setdefault(code, []).append(span)
    if kind == AreaKind.WIJK:
        return {code: index.get(code, []) for code in codes}
    found = {}
    for code in codes:
        ids = {s.node_id for s in (*index.get(code, ()), *index.get(wijk_of(code), ()))}
        found[code] = [s for s in spans if s.node_id in ids]
    return found


def reported(node_ids: Iterable[str], first: str, last: str) -> set[tuple[str, str]]:
    """(node, month) of every head in the months: the node-months that came."""
    ids = sorted(set(node_ids))
    if not ids:
        return set()
    stmt = select(ReportHead.node_id, ReportHead.period).where(
        ReportHead.node_id.in_(ids), ReportHead.period >= first, ReportHead.period <= last
    )
    return {(node, period) for node, period in db.session.execute(stmt)}


def missing_by_month(
    spans: Iterable[NodeSpan], months: list[str], came: set[tuple[str, str]], current: str
) -> dict[str, int]:
    """Per month, the expected node-months that did not come."""
    spans = list(spans)
    return {
        month: sum(1 for s in spans if s.expected(month, current) and (s.node_id, month) not in came)
        for month in months
    }
