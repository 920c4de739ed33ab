"""CBS area codes: levels and containment by their digits (spec section 1)."""

from __future__ import annotations

import pytest

from federation.protocol.areas import AreaLevel, area_level, contains, municipality_of, wijk_of


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("GM0344", AreaLevel.MUNICIPALITY),
        ("WK034402", AreaLevel.WIJK),
        ("BU03440201", AreaLevel.BUURT),
        ("WK03630A", AreaLevel.WIJK),
        ("gm0344", None),
        ("GM344", None),
        ("BU0344020", None),
        ("BU03440201\n", None),  # `$` alone would take a final newline
        ("", None),
        (None, None),
    ],
)
def test_levels(code: str, level: AreaLevel | None) -> None:
    assert area_level(code) == level


def test_containment_follows_the_digits() -> None:
    assert contains("GM0344", "WK034402")
    assert contains("GM0344", "BU03440201")
    assert contains("WK034402", "BU03440201")
    assert contains("WK034402", "WK034402")
    assert not contains("WK034402", "BU03440301")
    assert not contains("BU03440201", "WK034402")
    assert not contains("GM0344", "nonsense")


def test_parents() -> None:
    assert municipality_of("BU03440301") == "GM0344"
    assert wijk_of("BU03440301") == "WK034403"
    with pytest.raises(ValueError):
        wijk_of("GM0344")


def test_a_node_may_report_on_its_areas_and_the_buurten_of_its_wijken() -> None:
    from federation.protocol.areas import area_allowed

    registered = ("WK034402", "BU03440301")
    assert area_allowed("WK034402", registered)
    assert area_allowed("BU03440207", registered)  # inside the registered wijk
    assert area_allowed("BU03440301", registered)  # registered itself
    assert not area_allowed("BU03440302", registered)  # its wijk is not registered
    assert not area_allowed("WK034403", registered)
    assert not area_allowed("WK034402", ("GM0344",))  # a wijk inside a registered municipality is not
