"""The volunteers overview: who offers what and how busy they are; personal data only as far as the role may see."""

from __future__ import annotations

import pytest

from tests.node.pages.overview_data import Neighbourhood, hood  # noqa: F401  (fixture)


def test_coordinator_sees_volunteers_with_their_load(hood: Neighbourhood) -> None:  # noqa: F811
    page = hood.client("coordinator").get("/volunteers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Anna Tuinier" in html and "Bram Boodschap" in html
    assert "Jan de Vries" not in html  # asks for help, offers none
    assert "Oost (test)" in html and "Tuin &amp; groen" in html  # buurt and category by name
    anna_row = html[html.index("Anna Tuinier") : html.index("</tr>", html.index("Anna Tuinier"))]
    assert '<td class="num">1</td>' in anna_row and "2,5" in anna_row  # one live match, 2.5 hours this month


def test_administrator_sees_the_volunteers_but_not_what_they_do(hood: Neighbourhood) -> None:  # noqa: F811
    html = hood.client("admin").get("/volunteers").get_data(as_text=True)
    assert "Anna Tuinier" in html and "Oost (test)" in html
    assert "2,5" not in html  # hours and matches are the coordinators' (node.accounts.permissions)
    assert "voor coördinatoren" in html


@pytest.mark.parametrize("who", ["volunteer", "resident"])
def test_volunteers_and_residents_may_not_open_the_overview(hood: Neighbourhood, who: str) -> None:  # noqa: F811
    client = hood.client(who)
    assert client.get("/volunteers").status_code == 403
    assert client.get(f"/volunteers/{hood.ids['anna']}").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client(None).get("/volunteers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_filters_by_category_and_buurt(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    garden = client.get("/volunteers?category=garden").get_data(as_text=True)
    assert "Anna Tuinier" in garden and "Bram Boodschap" not in garden
    north = client.get("/volunteers?buurt=BU03440201").get_data(as_text=True)
    assert "Bram Boodschap" in north and "Anna Tuinier" not in north


def test_an_unknown_filter_gets_a_friendly_answer(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client("coordinator").get("/volunteers?category=knitting")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Anna Tuinier" not in html


def test_volunteer_page_shows_offers_and_matches_to_a_coordinator(hood: Neighbourhood) -> None:  # noqa: F811
    html = hood.client("coordinator").get(f"/volunteers/{hood.ids['anna']}").get_data(as_text=True)
    assert "Anna Tuinier" in html and "Tuin &amp; groen" in html
    assert "geaccepteerd" in html  # the accepted match
    assert "ma ochtend" in html  # the offer's availability


def test_volunteer_page_for_an_administrator_has_no_offers(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client("admin").get(f"/volunteers/{hood.ids['anna']}")
    assert response.status_code == 200
    assert "geaccepteerd" not in response.get_data(as_text=True)


def test_someone_who_is_no_volunteer_has_no_volunteer_page(hood: Neighbourhood) -> None:  # noqa: F811
    assert hood.client("coordinator").get(f"/volunteers/{hood.ids['jan']}").status_code == 404
