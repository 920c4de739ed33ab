"""Social value: volunteer hours at the rate in force each month, with the method, rate and source beside the euros."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.dashboards.selection import AreaSelection, PeriodSelection, Scope
from federation.hub.dashboards.social_value import social_value
from federation.hub.settings.models import ValuationMethod
from federation.hub.settings.services import remove_valuation, set_valuation, valuation_for_month, valuations
from federation.protocol.combine import Bound
from tests.federation.hub.dashboards.conftest import NOW, HubData, fig
from wijknet.errors import InvalidInput, NotFound, PermissionDenied

ADMIN = HubActor.system("tests")
ANALYST = HubActor(user_id=2, token_id=None, role=HubRole.ANALYST, municipality=None, label="analyst")
SEP_OCT = PeriodSelection.range("2026-09", "2026-10")
WEST = AreaSelection.area("WK034401")


@pytest.fixture
def hours(hub: HubData) -> HubData:
    hub.node("west", ("WK034401",))
    hub.node("noordwest", ("WK034402",))
    hub.report("west", "2026-09", [fig("WK034401", "volunteer_hours", 40.5)])
    hub.report("west", "2026-10", [fig("WK034401", "volunteer_hours", 50.25)])
    hub.report("noordwest", "2026-09", [fig("WK034402", "volunteer_hours", 12)])
    hub.report("noordwest", "2026-10", [fig("WK034402", "volunteer_hours", None)])
    return hub


def value(rate: str, valid_from: date, method: str = "replacement_cost") -> None:
    set_valuation(
        ADMIN,
        method=method,
        rate=rate,
        source="Test: a rate from a report",
        source_url="https://example.org/rate",
        valid_from=valid_from,
        now=NOW,
    )


def test_without_a_valuation_there_are_hours_and_no_euros(hours: HubData) -> None:
    with hours.app.app_context():
        found = social_value(Scope.everything(), SEP_OCT, WEST, now=NOW)
    assert found.hours.text() == "90.75" and found.euros is None and not found.valuation_set
    assert found.unvalued_months == ["2026-09", "2026-10"]


def test_each_month_at_the_rate_in_force_with_the_terms_beside_the_euros(hours: HubData) -> None:
    with hours.app.app_context():
        value("15.00", date(2026, 10, 31))  # set on the month's last day: values October
        only_october = social_value(Scope.everything(), SEP_OCT, WEST, now=NOW)
        value("10", date(2026, 1, 1), method="market_price")
        both = social_value(Scope.everything(), SEP_OCT, WEST, now=NOW)
        city = social_value(Scope.everything(), SEP_OCT, AreaSelection.city(), now=NOW)
    assert only_october.euros.text() == "≥ 753.75" and Bound.UNVALUED in only_october.euros.bounds
    assert only_october.unvalued_months == ["2026-09"]
    terms = only_october.parts[0].terms
    assert (terms.method, terms.rate, terms.source_url) == (ValuationMethod.REPLACEMENT_COST, Decimal("15.00"),
                                                            "https://example.org/rate")  # fmt: skip
    assert both.euros.text() == "1158.75"  # 40.5 x 10 + 50.25 x 15
    assert [(p.terms.rate, p.months, p.euros.text()) for p in both.parts] == [
        (Decimal("10.00"), ["2026-09"], "405.00"),
        (Decimal("15.00"), ["2026-10"], "753.75"),
    ]
    assert city.euros.text() == "≥ 1278.75"  # noordwest's October hours were suppressed: 12 x 10 more only


def test_only_an_administrator_changes_the_valuation_and_it_is_checked(hours: HubData) -> None:
    with hours.app.app_context():
        with pytest.raises(PermissionDenied):
            set_valuation(ANALYST, method="market_price", rate="20", source="x", source_url=None,
                          valid_from=date(2026, 1, 1), now=NOW)  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            set_valuation(ADMIN, method="guess", rate="12,345", source=" ", source_url="ftp://x",
                          valid_from=date(2026, 1, 1), now=NOW)  # fmt: skip
        assert {e.field for e in refused.value.errors} == {"method", "rate", "source", "source_url"}
        value("12,50", date(2026, 1, 1))  # a Dutch decimal comma is fine
        value("13", date(2026, 1, 1))  # the same day again: replaced
        assert [(v.rate, v.valid_from) for v in valuations()] == [(Decimal("13.00"), date(2026, 1, 1))]
        assert valuation_for_month("2025-12") is None and valuation_for_month("2026-01").rate == Decimal(13)
        remove_valuation(ADMIN, date(2026, 1, 1))
        assert valuations() == []
        with pytest.raises(NotFound):
            remove_valuation(ADMIN, date(2026, 1, 1))
