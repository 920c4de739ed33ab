"""The needs analysis page: the figures of the API as charts, each with its table, and who may see them."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from federation.protocol.periods import period_of, shift_period
from tests.node.pages.overview_data import Neighbourhood, hood  # noqa: F401  (fixture)
from wijknet.web.database import utcnow

SVG = "{http://www.w3.org/2000/svg}"


def charts_on(html: str) -> dict[str, ElementTree.Element]:
    found = [ElementTree.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, flags=re.S)]
    return {svg.find(f"{SVG}title").get("id").removesuffix("-title"): svg for svg in found}


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_needs_analysis_shows_where_demand_outruns_supply(hood: Neighbourhood, who: str) -> None:  # noqa: F811
    page = hood.client(who).get("/needs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    charts = charts_on(html)
    gap = charts["gap-by-category"]
    assert gap.get("role") == "img" and gap.get("aria-labelledby") == "gap-by-category-title gap-by-category-desc"
    assert gap.find(f"{SVG}title").text == "Waar de vraag het aanbod overtreft, per categorie"
    # Two shopping requests wait, one offer: one short; garden has its match.
    assert "Boodschappen: 1" in gap.find(f"{SVG}desc").text
    assert "Noord (test)" in charts["gap-by-buurt"].find(f"{SVG}desc").text
    assert "waiting-by-category" in charts
    assert html.count("<table") == 2  # every chart has its table


def test_an_impossible_period_gets_a_friendly_answer(hood: Neighbourhood) -> None:  # noqa: F811
    now = period_of(utcnow())
    later = shift_period(now, 2)
    response = hood.client("coordinator").get(f"/needs?period_from={later}&period_to={now}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html and f'value="{later}"' in html and "<svg" not in html


def test_the_period_chosen_is_the_period_shown(hood: Neighbourhood) -> None:  # noqa: F811
    html = hood.client("coordinator").get("/needs?period_from=2025-01&period_to=2025-03").get_data(as_text=True)
    assert "januari 2025" in html and "maart 2025" in html
    assert "Boodschappen: 1" not in html  # the requests came later


@pytest.mark.parametrize("who", ["volunteer", "resident"])
def test_volunteers_and_residents_may_not_see_it(hood: Neighbourhood, who: str) -> None:  # noqa: F811
    assert hood.client(who).get("/needs").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client(None).get("/needs")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
