"""The SVG charts: accessible, Dutch numbers, and a lower bound drawn open and labelled "≥", never as exact."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from flask import Flask

from federation.hub.dashboards.charts import Datum, bar_chart, line_chart
from federation.hub.dashboards.formatting import format_total
from federation.protocol.combine import Bound, Total, Unavailable, not_available
from wijknet.web.charts import nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
EXACT = Total(Decimal(1234))
AT_LEAST = Total(Decimal(120), frozenset({Bound.SUPPRESSED}), suppressed=1)
NONE = not_available(Unavailable.NO_DATA)


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    from flask_babel import Babel

    Babel(app)
    return app


def parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_a_bar_chart_is_an_accessible_image_with_dutch_numbers(app: Flask) -> None:
    with app.test_request_context():
        svg = parsed(bar_chart("c", "Hulpvragen per wijk", [Datum("West", EXACT), Datum("Oost", NONE)], "aantal", "nl"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Hulpvragen per wijk"
    assert "West: 1.234" in svg.find(f"{SVG}desc").text and "Oost: —" in svg.find(f"{SVG}desc").text
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "1.234" in texts and "aantal" in texts and "—" in texts
    assert len(svg.findall(f"{SVG}rect")) == 1  # no bar where there is no figure


def test_a_lower_bound_bar_is_hatched_and_labelled_at_least(app: Flask) -> None:
    with app.test_request_context():
        svg = parsed(bar_chart("c", "t", [Datum("West", EXACT), Datum("Noordwest", AT_LEAST)], "aantal", "nl"))
    bars = {r.find(f"{SVG}title").text.split(":")[0]: r for r in svg.findall(f"{SVG}rect") if len(r)}
    assert bars["West"].get("fill") == "#1f4e5f"
    assert bars["Noordwest"].get("fill") == "url(#c-hatch)" and bars["Noordwest"].get("stroke-dasharray")
    assert "≥ 120" in [t.text for t in svg.iter(f"{SVG}text")]
    assert any("≥" in (t.text or "") and "at least" in (t.text or "") for t in svg.iter(f"{SVG}text"))  # legend


def test_a_line_chart_marks_lower_bounds_with_open_circles(app: Flask) -> None:
    months = [Datum("sep 2026", EXACT), Datum("okt 2026", AT_LEAST), Datum("nov 2026", NONE)]
    with app.test_request_context():
        svg = parsed(line_chart("t", "Per maand", months, "Nieuwe hulpvragen (aantal)", "nl"))
    circles = svg.findall(f"{SVG}circle")
    fills = {c.find(f"{SVG}title").text: c.get("fill") for c in circles if c.find(f"{SVG}title") is not None}
    assert fills == {"sep 2026: 1.234": "#1f4e5f", "okt 2026: ≥ 120": "#fff"}
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "≥ 120" in texts and "Nieuwe hulpvragen (aantal)" in texts and "nov 2026" in texts
    assert len(svg.findall(f"{SVG}polyline")) == 1  # the line stops where a month has no figure


def test_text_is_escaped(app: Flask) -> None:
    with app.test_request_context():
        markup = str(bar_chart("c", "<b>", [Datum("A & B <script>", EXACT)], "x", "en"))
    assert "<script>" not in markup and "&lt;b&gt;" in markup
    assert re.search(r">1,234<", markup)  # English numbers in English


def test_the_axis_ends_on_a_round_number() -> None:
    assert [nice_ceiling(Decimal(v)) for v in (0, 7, 20, 135, 1234)] == [1, 10, 20, 200, 2000]


def test_formatting_never_drops_the_lower_bound() -> None:
    assert format_total(AT_LEAST, "nl") == "≥ 120"
    assert format_total(Total(Decimal("1234.5")), "nl") == "1.234,5"
    assert format_total(NONE, "nl") == "—" and format_total(None, "en") == "—"
