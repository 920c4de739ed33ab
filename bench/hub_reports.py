"""Simulated nodes and their signed reports, for the hub intake benchmark.

Each node reports on one wijk and its buurten: every metric of the code list
per area, per category and for `_all`, with the small numbers of a buurt
(totals that add up), disclosure-controlled by the protocol's own `suppress`
as a node does it, and signed with the node's own key.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from federation.protocol import envelopes
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES, METRICS
from federation.protocol.disclosure import Cell, suppress, violations
from federation.protocol.keys import SigningKey
from federation.protocol.messages import REPORT, format_timestamp
from federation.protocol.periods import period_of, shift_period

MIN_COUNT = 5
MUNICIPALITIES = ("GM0344", "GM0363", "GM0518", "GM0599")  # Utrecht, Amsterdam, Den Haag, Rotterdam


@dataclass(frozen=True)
class SimulatedNode:
    node_id: str
    municipality: str
    wijk: str
    key: SigningKey

    def areas(self, buurten: int) -> list[str]:
        return area_codes(self.wijk, buurten)


def area_codes(wijk: str, buurten: int) -> list[str]:
    """The wijk, then its buurten: the order of a template's area indexes."""
    return [wijk, *(f"BU{wijk[2:]}{n:02d}" for n in range(1, buurten + 1))]


def simulated_nodes(count: int) -> list[SimulatedNode]:
    """Nodes of a wijk each, a hundred to a municipality, each with a key of its own."""
    nodes = []
    for i in range(count):
        municipality = MUNICIPALITIES[(i // 100) % len(MUNICIPALITIES)]
        wijk = f"WK{municipality[2:]}{i % 100:02d}"
        nodes.append(SimulatedNode(f"node-{i:04d}", municipality, wijk, SigningKey.generate()))
    return nodes


def figure_keys(areas: int) -> list[tuple[int, str, str]]:
    """(area index, category, metric) of every figure: every metric per category and `_all` where it has them."""
    return [
        (area, category, metric.code)
        for area in range(areas)
        for metric in METRICS
        for category in ((*CATEGORY_CODES, ALL_CATEGORIES) if metric.per_category else (ALL_CATEGORIES,))
    ]


def _buurt_month(rng: random.Random) -> dict[tuple[str, str], tuple[float, int | None]]:
    """One buurt's month per (category, metric): (value, persons behind it) -- small numbers, as in a buurt."""
    cells: dict[tuple[str, str], tuple[float, int | None]] = {}
    for category in CATEGORY_CODES:
        rate = rng.uniform(0.5, 14)
        new = _draw(rng, rate)
        matched = round(new * rng.uniform(0.6, 1))
        volunteers = _draw(rng, rate * 0.8)
        hours = round(volunteers * rng.uniform(1, 6), 1)
        paid = round(rng.uniform(0, 40), 1) if rng.random() < 0.3 else 0
        activities = _draw(rng, 0.6)
        cells |= {
            (category, "requests_new"): (new, None),
            (category, "requests_matched"): (matched, None),
            (category, "requests_done"): (round(matched * rng.uniform(0.7, 1)), None),
            (category, "requests_referred"): (_draw(rng, rate * 0.05), None),
            (category, "requests_open_end"): (_draw(rng, rate * 0.4), None),
            (category, "days_to_match_median"): (round(rng.uniform(0.5, 12), 1), matched),
            (category, "offers_active"): (_draw(rng, rate * 1.5), None),
            (category, "volunteers_active"): (volunteers, None),
            (category, "volunteer_hours"): (hours, volunteers),
            (category, "paid_hours"): (paid, _draw(rng, 3) if paid else 0),
            (category, "assignments_active"): (_draw(rng, 0.3), None),
            (category, "assignment_revenue_eur"): (round(paid * 35, 2), None),
            (category, "activities_held"): (activities, None),
            (category, "activity_participants"): (_draw(rng, activities * 8) if activities else 0, None),
        }
    members = _draw(rng, 250)
    cells[(ALL_CATEGORIES, "members_total")] = (members, None)
    cells[(ALL_CATEGORIES, "members_new")] = (_draw(rng, members * 0.02), None)
    return cells


def _draw(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def _template(rng: random.Random, buurten: int) -> list[dict[str, Any]]:
    """Figures of one node-month with area indexes for codes: totals add up, then `suppress` as a node does."""
    months = [_buurt_month(rng) for _ in range(max(buurten, 1))]  # a wijk without buurten gets one month's worth
    wijk_month: dict[tuple[str, str], tuple[float, int | None]] = {}
    for key in months[0]:
        values = [month[key] for month in months]
        bases = [b for _, b in values if b is not None]
        wijk_month[key] = (round(sum(v for v, _ in values), 2), sum(bases) if bases else None)
    by_area = [wijk_month, *months[:buurten]]
    cells = []
    for area, category, metric in figure_keys(1 + buurten):
        month = by_area[area]
        if category == ALL_CATEGORIES and (category, metric) not in month:
            parts = [month[(c, metric)] for c in CATEGORY_CODES]
            bases = [b for _, b in parts if b is not None]
            value, basis = round(sum(v for v, _ in parts), 2), (sum(bases) if bases else None)
            if metric == "days_to_match_median":  # a median, not a sum
                value = round(rng.uniform(1, 8), 1)
        else:
            value, basis = month[(category, metric)]
        cells.append(Cell(f"A{area}", category, metric, value, basis))
    # Stand-in codes with the real containment (one wijk, its buurten), replaced per node.
    codes = area_codes("WK034400", buurten)
    real = [Cell(codes[int(c.area[1:])], c.category, c.metric, c.value, c.basis) for c in cells]
    figures = suppress(real, MIN_COUNT)
    if violations(figures, MIN_COUNT):
        raise AssertionError("suppress left a disclosure violation")
    index = {code: i for i, code in enumerate(codes)}
    return [
        {"area": index[f.area], "category": f.category, "metric": f.metric, "value": f.value}
        | ({"suppressed": True} if f.suppressed else {})
        for f in figures
    ]


@dataclass
class ReportMaker:
    """Signed reports in the order a node sends them: each month's revisions 1 and 2, then an earlier month.

    The figures come from a few `templates` of values (each disclosure-controlled once, which is the slow
    part) with each node's own area codes.
    """

    buurten: int
    templates: int
    seed: int
    issued_at: datetime
    sent: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.figure_sets = [_template(self.rng, self.buurten) for _ in range(self.templates)]
        self.last_month = shift_period(period_of(self.issued_at), -1)

    def next(self, node: SimulatedNode) -> bytes:
        slot = self.sent.get(node.node_id, 0)
        self.sent[node.node_id] = slot + 1
        period = shift_period(self.last_month, -(slot // 2))
        areas = node.areas(self.buurten)
        figures = [{**f, "area": areas[f["area"]]} for f in self.rng.choice(self.figure_sets)]
        payload = {
            "schema": REPORT.schema,
            "report_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "node_id": node.node_id,
            "period": period,
            "revision": slot % 2 + 1,
            "complete": True,
            "issued_at": format_timestamp(self.issued_at),
            "disclosure": {"min_count": MIN_COUNT, "method": "suppress"},
            "figures": figures,
        }
        return envelopes.report(node.key, payload).body.encode("ascii")

    def round_robin(self, nodes: list[SimulatedNode], total: int) -> list[bytes]:
        return [self.next(nodes[i % len(nodes)]) for i in range(total)]
