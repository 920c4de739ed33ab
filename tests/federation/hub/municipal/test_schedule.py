"""When reports are due, and the daily run: made once, made again only when late figures changed them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.hub.accounts.actor import HubActor
from federation.hub.config import HubSettings
from federation.hub.extensions import db
from federation.hub.municipal.schedule import due_periods, run_scheduled_reports
from federation.hub.municipal.services import list_reports
from tests.federation.hub.dashboards.conftest import HubData
from tests.federation.hub.municipal.conftest import PERIOD, october
from wijknet.web.config import ConfigError


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 11, 11, 22, 59, tzinfo=UTC), ["2026-09", "2026-Q3"]),  # 23:59 on 11 November in Utrecht
        (datetime(2026, 11, 11, 23, 0, tzinfo=UTC), ["2026-10", "2026-Q3"]),  # midnight: the 12th has begun
        (datetime(2026, 12, 31, 12, 0, tzinfo=UTC), ["2026-11", "2026-Q3"]),
        (datetime(2027, 1, 12, 9, 0, tzinfo=UTC), ["2026-12", "2026-Q4"]),
    ],
)
def test_due_periods_follow_the_report_day_in_amsterdam(now: datetime, due: list[str]) -> None:
    assert due_periods(now, 12) == due


def test_the_report_day_is_a_day_of_the_month() -> None:
    with pytest.raises(ConfigError):
        HubSettings(testing=True, municipal_report_day=29).validate()


def test_the_daily_run_makes_what_is_due_and_revises_after_late_figures(city: HubData) -> None:
    day = datetime(2026, 11, 12, 5, 0, tzinfo=UTC)
    with city.app.app_context():
        first = run_scheduled_reports(day)
        db.session.commit()
        again = run_scheduled_reports(day + timedelta(days=1))
        db.session.commit()
    assert sorted(first["made"]) == ["GM0344/2026-10/v1", "GM0344/2026-Q3/v1", "GM0363/2026-10/v1", "GM0363/2026-Q3/v1"]
    assert again == {"made": [], "revised": []}

    city.report("zuilen", PERIOD, october(node_hours=150), received_at=day + timedelta(days=2))
    with city.app.app_context():
        late = run_scheduled_reports(day + timedelta(days=3))
        db.session.commit()
        kept = {(r.municipality, r.period, r.revision) for r in list_reports(HubActor.system("tests"))}
    assert late == {"made": [], "revised": ["GM0344/2026-10/v2"]}
    assert ("GM0344", PERIOD, 1) in kept and ("GM0344", PERIOD, 2) in kept
