"""The dashboard pages: real figures for every role, a municipality kept to its own, filters, "≥", friendly 400s."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.federation.hub.accounts.people import FAST_PASSWORDS, is_login_redirect, logged_in_client
from tests.federation.hub.dashboards.city import build_city
from tests.federation.hub.dashboards.conftest import HubData, fig

PAGES = ["/dashboard", "/dashboard/needs", "/dashboard/reporting", "/dashboard/social-value", "/areas"]


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return dict(FAST_PASSWORDS)


@pytest.fixture
def city(hub: HubData) -> HubData:
    return build_city(hub)


def text_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def cells(page: str) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("caller", ["admin", "analyst"])
def test_every_page_shows_the_citys_figures(city: HubData, caller: str) -> None:
    client = logged_in_client(city.app, caller)
    overview = cells(text_of(client, "/dashboard?period=2026-10"))
    assert "≥ 135" in overview  # 20 + (noordwest withheld) + 7 + 8 + 100
    assert "West" in overview and "Noordwest" in overview
    assert 'role="img"' in text_of(client, "/dashboard?period=2026-10")
    needs = cells(text_of(client, "/dashboard/needs?period=2026-10"))
    assert "Binnenstad" in needs  # no cooperative there: listed as silent
    reporting = cells(text_of(client, "/dashboard/reporting?period=2026-09..2026-10"))
    assert "ontbreekt" in reporting and "op tijd" in reporting  # overvecht-zuid's September never came
    value = cells(text_of(client, "/dashboard/social-value?period=2026"))
    assert "≥ € 1.088,88" in value and "€ 15,50" in value and "Voorbeeldtarief (test)" in value
    areas = cells(text_of(client, "/areas"))
    assert "25.000" in areas and "WK034401" in areas


def test_a_municipality_sees_its_own_municipality_only(city: HubData) -> None:
    client = logged_in_client(city.app, "municipality")  # GM0344
    page = cells(text_of(client, "/dashboard?period=2026-10"))
    assert "≥ 35" in page  # Utrecht alone: 20 + (withheld) + 7 + 8
    assert "WK036301" not in page and "amsterdam" not in page.lower()
    for url in PAGES:
        assert "amsterdam" not in text_of(client, url).lower(), url
    assert client.get("/dashboard?area=GM0363").status_code == 403
    assert client.get("/dashboard?area=WK036301").status_code == 403
    assert client.get("/dashboard?area=node:amsterdam").status_code == 404
    assert client.get("/dashboard/needs?area=GM0363").status_code == 403
    assert client.get("/dashboard/export.csv?table=by-area&area=GM0363").status_code == 403
    assert client.get("/dashboard/export.csv?table=key-figures&area=node:amsterdam").status_code == 404
    assert client.get("/settings/valuation").status_code == 403
    assert 'enctype="multipart/form-data"' not in text_of(client, "/areas")  # no CBS import for a municipality


def test_the_filters_change_what_is_shown(city: HubData) -> None:
    client = logged_in_client(city.app, "analyst")
    october = cells(text_of(client, "/dashboard?period=2026-10&area=WK034401"))
    september = cells(text_of(client, "/dashboard?period=2026-09&area=WK034401"))
    assert "Wijk West" in october
    assert re.search(r"\b20 Nieuwe hulpvragen", october) and re.search(r"\b30 Nieuwe hulpvragen", september)
    shopping = cells(text_of(client, "/dashboard?period=2026-10&area=WK034401&category=shopping"))
    assert re.search(r"\b9 Nieuwe hulpvragen", shopping)
    node = cells(text_of(client, "/dashboard?period=2026-10&area=node:overvecht-zuid"))
    assert "Coöperatie overvecht-zuid" in node and re.search(r"\b15 Nieuwe hulpvragen", node)
    by_node = cells(text_of(client, "/dashboard?period=2026-10&area=GM0344&breakdown=node"))
    assert "Coöperatie west" in by_node
    stale = cells(text_of(client, "/dashboard?period=2026-10&area=WK034401&breakdown=wijk"))
    assert "BU03440101" in stale  # a breakdown left from another area: the wijk's buurten
    quarter = text_of(client, "/dashboard?period=2026-Q4&area=GM0344")
    assert 'value="2026-Q4"' in quarter


def test_a_lower_bound_is_marked_in_the_table_and_the_chart(city: HubData) -> None:
    page = text_of(logged_in_client(city.app, "admin"), "/dashboard?period=2026-10&area=GM0344")
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2 and all("<title" in s and "<desc" in s for s in svgs)
    bars = svgs[1]
    assert "≥ 0" in bars and "-hatch)" in bars  # noordwest's withheld count: a hatched bar, never a solid one
    assert re.search(r'<td class="num">≥ 0</td>', page)
    assert "kleine aantallen" in page or "withheld" in page


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/dashboard?period=2026-13", "2026-13"),
        ("/dashboard?area=XX1234", "XX1234"),
        ("/dashboard?category=cooking", "cooking"),
        ("/dashboard?metric=nothing", "nothing"),
        ("/dashboard?area=GM0344&breakdown=sideways", "sideways"),
        ("/dashboard/needs?area=node:west", ""),
        ("/dashboard/reporting?since=yesterday", "yesterday"),
        ("/dashboard/social-value?period=2026-Q5", "2026-Q5"),
    ],
)
def test_a_bad_filter_gives_the_page_with_a_friendly_message(city: HubData, url: str, words: str) -> None:
    page = text_of(logged_in_client(city.app, "analyst"), url, 400)
    assert 'class="notice error"' in page and words in page
    assert "Traceback" not in page and '<form class="filters"' in page


def test_pages_need_a_login(hub_app: Flask) -> None:
    client = hub_app.test_client()
    for url in [*PAGES, "/dashboard/export.csv?table=trend", "/settings/valuation"]:
        assert is_login_redirect(client.get(url)), url


def test_the_menu_shows_each_role_its_pages(city: HubData) -> None:
    def menu(caller: str) -> str:
        page = text_of(logged_in_client(city.app, caller), "/dashboard/needs")
        return re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S).group(1)

    assert "/settings/valuation" in menu("admin")
    assert "/settings/valuation" not in menu("analyst")
    municipality = menu("municipality")
    assert "/dashboard/needs" in municipality and "/areas" in municipality


def test_the_start_page_is_the_dashboard(city: HubData) -> None:
    client = logged_in_client(city.app, "analyst")
    assert client.get("/").headers["Location"] == "/dashboard"


def test_the_administrator_sets_and_removes_a_valuation(city: HubData) -> None:
    client = logged_in_client(city.app, "admin")
    page = text_of(client, "/settings/valuation")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "method": "market_price", "rate": "12,75", "source": "Marktprijs (test)"}
    bad = client.post("/settings/valuation", data={**form, "rate": "-3", "valid_from": "2026-11-01"})
    assert bad.status_code == 422 and "field-error" in bad.get_data(as_text=True)
    saved = client.post("/settings/valuation", data={**form, "valid_from": "2026-11-01"}, follow_redirects=True)
    assert saved.status_code == 200 and "€ 12,75" in cells(saved.get_data(as_text=True))
    removed = client.post("/settings/valuation/2026-11-01/remove", data={"csrf_token": token}, follow_redirects=True)
    assert "€ 12,75" not in cells(removed.get_data(as_text=True)) and "€ 15,50" in cells(removed.get_data(as_text=True))


def test_the_administrator_imports_a_cbs_file(hub: HubData) -> None:
    client = logged_in_client(hub.app, "admin")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(client, "/areas")).group(1)
    data = (
        b"Wijken en buurten;Soort regio;Codering;Aantal inwoners\r\n"
        b"Utrecht;Gemeente;GM0344;361966\r\nWijk 01 West;Wijk;WK034401;27000\r\nnonsense;Wijk;XX01;12\r\n"
    )
    answer = client.post(
        "/areas",
        data={"csrf_token": token, "year": "2025", "file": (io.BytesIO(data), "kwb.csv")},
        content_type="multipart/form-data",
    )
    page = cells(answer.get_data(as_text=True))
    assert answer.status_code == 200 and "361.966" in page and "27.000" in page
    assert "XX01" in page  # the skipped line, with its reason
    wrong = client.post(
        "/areas",
        data={"csrf_token": token, "year": "2025", "file": (io.BytesIO(b"just some text\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and 'class="notice error"' in wrong.get_data(as_text=True)


def test_others_cannot_import(city: HubData) -> None:
    client = logged_in_client(city.app, "analyst")
    assert 'enctype="multipart/form-data"' not in text_of(client, "/areas")
    token = re.search(r'name="csrf_token" value="([^"]+)"', text_of(client, "/areas")).group(1)
    answer = client.post("/areas", data={"csrf_token": token, "year": "2025"}, content_type="multipart/form-data")
    assert answer.status_code == 200 and 'class="card import-result"' not in answer.get_data(as_text=True)


def test_revisions_after_the_last_municipal_report_are_flagged_by_default(city: HubData) -> None:
    """Without a chosen day, the completeness page lists what came after the municipality's last report."""
    from federation.hub.extensions import db
    from federation.hub.municipal.services import make_report

    with city.app.app_context():
        make_report("GM0344", "2026-10", datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        db.session.commit()
    late = datetime(2026, 11, 22, tzinfo=UTC)
    city.report("west", "2026-10", [fig("WK034401", "requests_new", 21)], received_at=late)
    client = logged_in_client(city.app, "analyst")

    page = cells(text_of(client, "/dashboard/reporting?period=2026-09..2026-10&area=GM0344"))
    later = page.split("Nieuwe versies ontvangen sinds", 1)[1]
    assert "laatste rapportage aan de gemeente" in later
    assert "Coöperatie west oktober 2026 2" in later  # its second version of October, after the report
    assert "Coöperatie noordwest" not in later  # its reports came before the report was made
