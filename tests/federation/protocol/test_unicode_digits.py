"""Codes, months, timestamps and ids take the ASCII digits 0-9 only: `\\d` would also take ٠-٩, ۰-۹, ०-९ ...

Python's int() reads those digits too, so a code or month written with them
would pass for a real one ("GM٠٣٤٤" as GM0344) unless the patterns refuse it.
"""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from federation.delivery.client import retry_after_seconds
from federation.hub.dashboards.selection import PeriodSelection
from federation.protocol.areas import area_level, is_area_code
from federation.protocol.messages import parse_timestamp
from federation.protocol.periods import PeriodError, parse_period
from schemas.node.needs import NeedsArgs
from wijknet.errors import InvalidInput

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SCRIPTS = [ARABIC_INDIC, EXTENDED_ARABIC, DEVANAGARI, FULLWIDTH]


def foreign(text: str, script: dict[int, str], only_last: bool = False) -> str:
    """The text with its digits (or only its last digit) in another script."""
    if only_last:
        index = max(i for i, c in enumerate(text) if c.isdigit())
        return text[:index] + text[index].translate(script) + text[index + 1 :]
    return text.translate(script)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("code", ["GM0344", "WK034402", "BU03440201", "WK03630A"])
@pytest.mark.parametrize("only_last", [False, True])
def test_area_codes_with_other_digits_are_no_codes(code: str, script: dict[int, str], only_last: bool) -> None:
    assert is_area_code(code)
    assert area_level(foreign(code, script, only_last)) is None


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("only_last", [False, True])
def test_months_with_other_digits_are_refused(script: dict[int, str], only_last: bool) -> None:
    assert parse_period("2026-10") == (2026, 10)
    with pytest.raises(PeriodError):
        parse_period(foreign("2026-10", script, only_last))


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("only_last", [False, True])
def test_timestamps_with_other_digits_are_refused(script: dict[int, str], only_last: bool) -> None:
    parse_timestamp("2026-11-01T02:00:07.5Z")
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_timestamp(foreign("2026-11-01T02:00:07.5Z", script, only_last))


@pytest.mark.parametrize("text", ["2026-Q4", "2026", "2026-01..2026-06", "2026-10"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_dashboard_periods_with_other_digits_are_refused(text: str, script: dict[int, str]) -> None:
    PeriodSelection.parse(text)
    with pytest.raises(InvalidInput):
        PeriodSelection.parse(foreign(text, script))


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_needs_api_refuses_months_with_other_digits(script: dict[int, str]) -> None:
    assert NeedsArgs().load({"period_from": "2026-01"}) == {"period_from": "2026-01"}
    with pytest.raises(ValidationError):
        NeedsArgs().load({"period_from": foreign("2026-01", script)})


@pytest.mark.parametrize("value", ["١٢٠", "²", "１２０"])
def test_retry_after_in_other_digits_is_ignored_not_a_crash(value: str) -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(value) is None
