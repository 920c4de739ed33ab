"""The dashboards' shortcuts give what the plain rules give: which nodes serve an area, and a table's cells as text."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import Flask

from federation.hub.dashboards.completeness import ReportingState
from federation.hub.dashboards.coverage import NodeSpan, spans_serving
from federation.hub.dashboards.selection import AreaKind
from federation.hub.dashboards.tables import Row, Shown, Table, cell_class, cell_text, shown_rows
from federation.hub.registry.models import NodeStatus
from federation.protocol.combine import Bound, Total

SPANS = [
    NodeSpan(node_id, node_id, municipality, areas, NodeStatus.ACTIVE, "2026-01", None)
    for node_id, municipality, areas in (
        ("a-wijk", "GM0344", ("WK034401",)),
        ("b-buurten", "GM0344", ("BU03440101", "BU03440203")),
        ("c-wijk-and-buurt", "GM0344", ("WK034402", "BU03440201")),
        ("d-municipality", "GM0344", ("GM0344",)),
        ("e-other", "GM0363", ("WK036301", "BU03630102")),
        ("f-nothing", "GM0363", ()),
    )
]
CODES = {
    AreaKind.WIJK: ["WK034401", "WK034402", "WK034403", "WK036301", "WK036399"],
    AreaKind.BUURT: ["BU03440101", "BU03440102", "BU03440201", "BU03440203", "BU03630102", "BU03630199"],
    AreaKind.MUNICIPALITY: ["GM0344", "GM0363", "GM0599"],
}


@pytest.mark.parametrize("kind", list(CODES))
def test_spans_serving_is_serves_for_every_code(kind: AreaKind) -> None:
    found = spans_serving(SPANS, kind, CODES[kind])
    assert found == {code: [s for s in SPANS if s.serves(kind, code)] for code in CODES[kind]}
    assert any(found.values())  # the example has nodes serving something of each kind


def test_a_wijk_is_served_by_its_buurten_nodes_in_node_order() -> None:
    found = spans_serving(SPANS, AreaKind.WIJK, ["WK034402"])
    assert [s.node_id for s in found["WK034402"]] == ["b-buurten", "c-wijk-and-buurt"]


def test_shown_rows_write_each_cell_as_cell_text_does(hub_app: Flask) -> None:
    values = (
        "Coöperatie Zuilen",
        Total(Decimal(120), frozenset({Bound.SUPPRESSED}), None, 1, 0),
        Total(Decimal("120.0")),
        Decimal(120),
        120,
        True,
        1,
        None,
        ReportingState.LATE,
        ReportingState.LATE,
        Shown("1 / 2"),
        datetime(2026, 10, 12, 9, 30, tzinfo=UTC),
    )
    table = Table("example", "Example", ["column"] * len(values), [Row(values, "/somewhere"), Row(values)])
    with hub_app.test_request_context():
        shown = shown_rows(table, "nl")
        expected = [cell_text(v, "nl") for v in values]
        assert [[c.text for c in cells] for _row, cells in shown] == [expected, expected]
        assert [c.css for c in shown[0][1]] == [cell_class(v) for v in values]
    assert [row.link for row, _cells in shown] == ["/somewhere", None]
    assert shown[0][1][5].text != shown[0][1][6].text  # True is "ja", 1 is "1": equal keys, other types


def test_a_shown_cell_is_escaped_once_as_a_table_cell(hub_app: Flask) -> None:
    table = Table("example", "Example", ["name", "note"], [Row(("Zuilen", Shown("<b> & ≥", False)))])
    with hub_app.test_request_context():
        ((_row, cells),) = shown_rows(table, "nl")
    assert str(cells[1].td) == '<td class="text">&lt;b&gt; &amp; ≥</td>'
