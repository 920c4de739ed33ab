"""Fixtures for the municipal reports: the dashboards' hub data, fast passwords, and a municipality's figures."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from federation.hub.accounts.actor import HubActor
from federation.hub.areas import services as areas
from federation.hub.extensions import db
from federation.hub.municipal.services import make_report
from federation.hub.settings.services import set_valuation
from tests.federation.hub.accounts.people import FAST_PASSWORDS
from tests.federation.hub.dashboards.conftest import NOW, HubData, fig

PERIOD = "2026-10"


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return dict(FAST_PASSWORDS)


def october(node_hours: float = 131.5) -> list[dict[str, Any]]:
    """Zuilen's October: a suppressed garden count makes the wijk's requests a lower bound."""
    return [
        fig("WK034402", "requests_new", 40),
        fig("WK034402", "requests_new", 12, "shopping"),
        fig("WK034402", "requests_new", None, "garden"),
        fig("WK034402", "volunteers_active", 9),
        fig("WK034402", "volunteer_hours", node_hours),
    ]


@pytest.fixture
def city(hub_app: Flask) -> HubData:
    """Utrecht with two cooperatives (one report for October withheld a count) and a valuation of hours.

    Built with the dashboards' factories (`HubData`): reports stored as intake stores them.
    """
    hub = HubData(hub_app)
    with hub.app.app_context():
        areas.seed_utrecht("tests")
        set_valuation(
            HubActor.system("tests"),
            method="replacement_cost",
            rate="15.50",
            source="Movisie (test)",
            source_url=None,
            valid_from=date(2026, 1, 1),
            now=NOW,
        )
        db.session.commit()
    hub.node("zuilen", ("WK034402",))
    hub.node("overvecht", ("WK034404",))
    hub.node("elders", ("WK036301",), municipality="GM0363")
    hub.report("zuilen", "2026-09", [fig("WK034402", "requests_new", 35), fig("WK034402", "volunteer_hours", 120)])
    hub.report("zuilen", PERIOD, october())
    hub.report("overvecht", PERIOD, [fig("WK034404", "requests_new", 7), fig("WK034404", "volunteer_hours", None)])
    hub.report("elders", PERIOD, [fig("WK036301", "requests_new", 30)])
    return hub


def make(app: Flask, municipality: str = "GM0344", period: str = PERIOD, now: Any = NOW) -> dict[str, Any]:
    """Make a report in its own transaction; returns what a caller needs of it."""
    with app.app_context():
        made = make_report(municipality, period, now)
        db.session.commit()
        report = made.report
        return {
            "id": report.id,
            "revision": report.revision,
            "new": made.new,
            "json": report.json_file,
            "csv": report.csv_file,
            "pdf": report.pdf_file,
            "signatures": {f: getattr(report, f"{f}_signature") for f in ("json", "csv", "pdf")},
        }
