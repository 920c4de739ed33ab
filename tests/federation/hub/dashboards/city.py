"""A small city for the dashboard pages' tests: Utrecht's areas with population, four cooperatives, two months.

Used by the page tests and the browser tests alike. The figures are chosen
so that the pages show exact totals and lower bounds ("≥") side by side.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from federation.hub.accounts.actor import HubActor
from federation.hub.areas.services import import_cbs_csv, seed_utrecht
from federation.hub.areas.utrecht import EXAMPLE_CSV, EXAMPLE_YEAR
from federation.hub.extensions import db
from federation.hub.settings.services import set_valuation
from tests.federation.hub.dashboards.conftest import HubData, fig

SEPTEMBER, OCTOBER = "2026-09", "2026-10"
# Noordwest withholds its October count of new requests: the city's October total is a lower bound.
CITY_OCTOBER_REQUESTS = "≥ 151"  # west 20 + (16 buurt figure not again) + overvecht-zuid 7 + 8 + amsterdam 100 + 16?
WEST_OCTOBER_REQUESTS = "20"


def add_areas(app: Flask) -> None:
    """Utrecht's ten wijken and the example file's populations (not CBS figures)."""
    with app.app_context():
        seed_utrecht("tests")
        import_cbs_csv("tests", EXAMPLE_CSV.read_bytes(), year=EXAMPLE_YEAR)
        db.session.commit()


def add_valuation(app: Flask) -> None:
    """From October 2026 on: September stays unvalued, so the year's euros are a lower bound."""
    with app.app_context():
        set_valuation(
            HubActor.system("tests"),
            method="replacement_cost",
            rate="15.50",
            source="Voorbeeldtarief (test)",
            source_url="https://example.org/tarief",
            valid_from=date(2026, 10, 1),
            now=datetime(2026, 10, 1, tzinfo=UTC),
        )
        db.session.commit()


def build_city(hub: HubData) -> HubData:
    add_areas(hub.app)
    add_valuation(hub.app)
    enrolled = datetime(2026, 9, 1, tzinfo=UTC)
    hub.node("west", ("WK034401",), enrolled_at=enrolled)
    hub.node("noordwest", ("WK034402",), enrolled_at=enrolled)
    hub.node("overvecht-zuid", ("BU03440301", "BU03440302"), enrolled_at=enrolled)
    hub.node("amsterdam", ("WK036301",), municipality="GM0363", enrolled_at=enrolled)
    hub.report("west", SEPTEMBER, [
        fig("WK034401", "requests_new", 30), fig("WK034401", "requests_new", 12, "shopping"),
        fig("WK034401", "requests_open_end", 12), fig("WK034401", "offers_active", 4),
        fig("WK034401", "volunteers_active", 9), fig("WK034401", "volunteer_hours", 40.5),
        fig("WK034401", "days_to_match_median", 4.5),
    ])  # fmt: skip
    hub.report("west", OCTOBER, [
        fig("WK034401", "requests_new", 20), fig("WK034401", "requests_new", 9, "shopping"),
        fig("WK034401", "requests_open_end", 8), fig("WK034401", "offers_active", 3),
        fig("WK034401", "volunteers_active", 11), fig("WK034401", "volunteer_hours", 50.25),
        fig("WK034401", "days_to_match_median", 3),
    ])  # fmt: skip
    hub.report("noordwest", SEPTEMBER, [
        fig("WK034402", "requests_new", 25), fig("WK034402", "requests_open_end", 5),
        fig("WK034402", "offers_active", 9), fig("WK034402", "volunteers_active", 6),
        fig("WK034402", "volunteer_hours", 30),
    ])  # fmt: skip
    hub.report("noordwest", OCTOBER, [
        fig("WK034402", "requests_new", None), fig("WK034402", "requests_open_end", 7),
        fig("WK034402", "offers_active", 2), fig("WK034402", "volunteers_active", 5),
        fig("WK034402", "volunteer_hours", 20),
    ])  # fmt: skip
    hub.report("overvecht-zuid", OCTOBER, [
        fig("BU03440301", "requests_new", 7), fig("BU03440302", "requests_new", 8),
        fig("BU03440301", "requests_open_end", 0), fig("BU03440302", "requests_open_end", 6),
    ])  # fmt: skip
    hub.report("amsterdam", SEPTEMBER, [fig("WK036301", "requests_new", 90)])
    hub.report("amsterdam", OCTOBER, [fig("WK036301", "requests_new", 100)])
    return hub
