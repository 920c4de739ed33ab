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
from federation.hub.registry.models import Node, NodeStatus
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
    """The nodes of the municipalities in scope (or one node), with the months they are expected for."""
    stmt = select(Node).order_by(Node.node_id)
    if scope.municipalities is not None:
        stmt = stmt.where(Node.municipality.in_(sorted(scope.municipalities)))
    if node_id is not None:
        stmt = stmt.where(Node.node_id == node_id)
    nodes = list(db.session.scalars(stmt))
    first_reported = {
        node: first
        for node, first in db.session.execute(
            select(ReportHead.node_id, func.min(ReportHead.period))
            .where(ReportHead.node_id.in_([n.node_id for n in nodes]))
            .group_by(ReportHead.node_id)
        )
    }
    spans = []
    for node in nodes:
        enrolled = period_of(node.enrolled_at)
        first = min(enrolled, first_reported.get(node.node_id, enrolled))
        suspended = node.suspended_at if node.status == NodeStatus.SUSPENDED else None
        last = period_of(suspended) if suspended is not None else None
        spans.append(NodeSpan(node.node_id, node.name, node.municipality, tuple(node.areas), node.status, first, last))
    return spans


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
