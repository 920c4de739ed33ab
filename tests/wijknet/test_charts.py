"""The shared SVG charts: generic labels and numbers, a lower-bound flag per value, whole steps for counts."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask_babel import Babel

from wijknet.web.charts import ChartValue, bar_chart, format_value

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    Babel(app)
    return app


def texts(markup: str) -> list[str]:
    return [t.text or "" for t in ElementTree.fromstring(str(markup)).iter(f"{SVG}text")]


def test_counts_get_whole_steps_on_the_axis(app: Flask) -> None:
    with app.test_request_context():
        shown = texts(bar_chart("c", "t", [ChartValue("Noord", 3), ChartValue("Oost", 2)], "hulpvragen", "nl"))
    assert {"0", "1", "2", "3", "4", "5"} <= set(shown)
    assert not any("," in t for t in shown)  # no "1,25 requests"


def test_fractions_keep_their_quarter_steps(app: Flask) -> None:
    with app.test_request_context():
        shown = texts(bar_chart("c", "t", [ChartValue("Tuin", 3.4)], "dagen", "nl"))
    assert "3,4" in shown and "1,25" in shown


def test_long_names_are_shortened_to_the_room_given(app: Flask) -> None:
    name = "Administratie & geldzaken"
    with app.test_request_context():
        narrow = texts(bar_chart("c", "t", [ChartValue(name, 1)], "x", "nl"))
        wide = texts(bar_chart("c", "t", [ChartValue(name, 1)], "x", "nl", label_width=190))
    assert name not in narrow and any(t.endswith("…") for t in narrow)
    assert name in wide


def test_a_lower_bound_is_never_exact() -> None:
    assert format_value(Decimal(120), True, "nl") == "≥ 120"
    assert format_value(1234, False, "nl") == "1.234"
    assert format_value(None, True, "nl") == "—"
