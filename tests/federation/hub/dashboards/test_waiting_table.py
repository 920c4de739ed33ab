"""The waiting times per cooperative: a row per cooperative, area and category, its medians never combined."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from federation.hub.dashboards.needs import NodeWaitingTime
from federation.hub.dashboards.sources import StatisticCell
from federation.hub.dashboards.tables import Shown, waiting_table


def waiting(node: str, period: str, value: str | None) -> NodeWaitingTime:
    cell = StatisticCell(node, period, "WK034401", "_all", None if value is None else Decimal(value))
    return NodeWaitingTime(node, f"Coöperatie {node}", cell)


def test_a_row_per_cooperative_with_its_lowest_highest_and_newest_median(hub_app: Flask) -> None:
    found = [
        waiting("west", "2026-08", "4.5"),
        waiting("west", "2026-10", "3"),
        waiting("west", "2026-09", None),  # withheld that month
        waiting("oost", "2026-10", None),
    ]
    with hub_app.test_request_context():
        table = waiting_table(found, "nl")
    rows = {row.cells[0]: row.cells for row in table.rows}
    assert len(table.rows) == 2
    assert rows["Coöperatie west"][3:6] == (3, Decimal("3"), Decimal("4.5"))
    assert rows["Coöperatie west"][7] == Decimal("3")  # October, the newest month
    assert all(isinstance(cell, Shown) for cell in rows["Coöperatie oost"][4:6])  # only withheld: no range
