"""When reports are made: the monthly one on a set day after the month, the quarterly one after the quarter.

The scheduler runs `run_scheduled_reports` daily, once per hub. It makes the
reports that are due and not yet made, for every municipality with nodes,
and re-checks the recent reports that late figures may have changed: a
report for which a node sent a report (a late month, a new revision) after
it was made is made again, and becomes a new revision if its content differs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from federation.hub.accounts.actor import HubActor
from federation.hub.dashboards.completeness import revisions_after
from federation.hub.dashboards.selection import AreaSelection, Scope
from federation.hub.municipal.content import report_period
from federation.hub.municipal.models import MunicipalReport
from federation.hub.municipal.services import latest_revision, list_reports, make_report, municipalities_with_nodes
from federation.hub.municipal.webhooks import deliver_due
from federation.protocol.periods import AMSTERDAM, parse_period, period_of, previous_period, shift_period
from wijknet.web.database import utcnow

SCHEDULER = "scheduled municipal reports"
RECHECK_MONTHS = 12  # reports of older periods are left as they are


def quarter_of(month: str) -> str:
    year, number = parse_period(month)
    return f"{year}-Q{(number + 2) // 3}"


def due_periods(now: datetime, report_day: int) -> list[str]:
    """The newest month and the newest quarter whose report is due by `now` (Amsterdam days).

    A month's report is due from day `report_day` of the following month; a
    quarter's from that day of the month after the quarter.
    """
    previous = previous_period(period_of(now))
    month = previous if now.astimezone(AMSTERDAM).day >= report_day else previous_period(previous)
    quarter_end = month
    while parse_period(quarter_end)[1] % 3 != 0:
        quarter_end = previous_period(quarter_end)
    return [month, quarter_of(quarter_end)]


def run_scheduled_reports(now: datetime | None = None) -> dict[str, Any]:
    """Make what is due and re-check what late figures changed; returns what was made, for the log."""
    now = now or utcnow()
    made, revised = [], []
    oldest = shift_period(period_of(now), -RECHECK_MONTHS)
    for municipality in municipalities_with_nodes():
        for period in due_periods(now, current_app.extensions["wijknet.settings"].municipal_report_day):
            if latest_revision(municipality, period) is None:
                made.append(_label(make_report(municipality, period, now).report))
        for report in _recent_reports(municipality, oldest):
            if _figures_changed_since(report):
                result = make_report(municipality, report.period, now)
                if result.new:
                    revised.append(_label(result.report))
    return {"made": made, "revised": revised}


def _recent_reports(municipality: str, oldest: str) -> list[MunicipalReport]:
    """The latest revision of each report whose period ends in or after `oldest`."""
    latest: dict[str, MunicipalReport] = {}
    for report in list_reports(HubActor.system(SCHEDULER), municipality):  # newest revision first
        if report_period(report.period).last >= oldest:
            latest.setdefault(report.period, report)
    return list(latest.values())


def _figures_changed_since(report: MunicipalReport) -> bool:
    scope = Scope.only(report.municipality)
    area = AreaSelection.area(report.municipality)
    return bool(revisions_after(scope, report_period(report.period), report.made_at, area))


def _label(report: MunicipalReport) -> str:
    return f"{report.municipality}/{report.period}/v{report.revision}"


def deliver_webhooks(now: datetime | None = None) -> dict[str, int]:
    """Push due webhook deliveries (runs every minute)."""
    run = deliver_due(now or utcnow())
    return {"tried": run.tried, "delivered": run.delivered}
