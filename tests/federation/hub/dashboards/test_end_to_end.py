"""Reports sent by nodes over HTTP, read back by the dashboards: a suppressed cell at one node makes a "≥"."""

from __future__ import annotations

from flask import Flask

from federation.hub.dashboards.key_figures import key_figures
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from tests.federation.hub.conftest import FakeNode, make_invitation
from tests.federation.hub.dashboards.conftest import fig


def test_a_suppressed_cell_at_one_node_makes_the_city_total_a_lower_bound(hub_app: Flask, hub_url: str) -> None:
    noordwest, west = FakeNode(hub_url, "noordwest"), FakeNode(hub_url, "west")
    assert noordwest.enroll(make_invitation(hub_app, "noordwest", ("WK034402",))).status_code == 201
    assert west.enroll(make_invitation(hub_app, "west", ("WK034401",))).status_code == 201
    assert noordwest.send_report(noordwest.report_payload("2026-10")).status_code == 201  # `_all`: 40
    hidden = [fig("WK034401", "requests_new", None), fig("WK034401", "requests_new", 0, "shopping")]
    assert west.send_report(west.report_payload("2026-10", figures=hidden)).status_code == 201

    with hub_app.app_context():
        october = PeriodSelection.month("2026-10")
        city = key_figures(Scope.everything(), october, AreaSelection.city(), metrics=["requests_new"])
        shopping = key_figures(Scope.everything(), october, AreaSelection.city(), "shopping", metrics=["requests_new"])
        one = key_figures(Scope.everything(), october, AreaSelection.area("WK034402"), metrics=["requests_new"])
    assert city.figures[0].total.text() == "≥ 40"
    assert shopping.figures[0].total.text() == "12"  # 12 + 0: nothing suppressed there
    assert one.figures[0].total.text() == "40"
