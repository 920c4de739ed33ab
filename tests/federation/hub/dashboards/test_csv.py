"""CSV downloads: what Dutch Excel opens as it is (BOM, `;`), the page's figures with "≥", named by the selection."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.federation.hub.accounts.people import FAST_PASSWORDS, logged_in_client
from tests.federation.hub.dashboards.city import build_city
from tests.federation.hub.dashboards.conftest import HubData


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return dict(FAST_PASSWORDS)


@pytest.fixture
def city(hub: HubData) -> HubData:
    return build_city(hub)


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_a_table_downloads_with_bom_semicolons_and_the_selection_in_its_name(city: HubData) -> None:
    client = logged_in_client(city.app, "analyst")
    answer = client.get("/dashboard/export.csv?table=by-area&area=GM0344&period=2026-10")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv" and answer.mimetype_params.get("charset") == "utf-8"
    disposition = answer.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="wijknet-GM0344-2026-10-by-area-requests_new.csv"'
    rows = rows_of(answer.data)
    assert rows[0] == [
        "Gebied",
        "Code",
        "Nieuwe hulpvragen",
        "Per 1.000 inwoners",
        "Inwoners",
        "Coöperaties die rapporteren",
    ]
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["WK034401"][2:5] == ["20", "0,8", "25.000"]  # Dutch numbers, as on the page
    assert by_code["WK034402"][2] == "≥ 0"  # withheld: a lower bound, never a plain 0


def test_every_table_of_every_page_downloads(city: HubData) -> None:
    client = logged_in_client(city.app, "admin")
    for page, tables in {
        "/dashboard": ["key-figures", "trend", "by-area"],
        "/dashboard/needs": ["largest-unmet", "needs", "silent", "waiting-times"],
        "/dashboard/reporting": ["completeness", "completeness-by-month", "revisions"],
        "/dashboard/social-value": ["social-value"],
    }.items():
        html = client.get(page + "?period=2026-10").get_data(as_text=True)
        for table in tables:
            assert f"table={table}" in html, (page, table)
            answer = client.get(f"{page}/export.csv?table={table}&period=2026-10")
            assert answer.status_code == 200, (page, table)
            assert len(rows_of(answer.data)[0]) >= 3
    assert client.get("/dashboard/export.csv?table=nothing").status_code == 404


def test_lower_bounds_stay_lower_bounds_in_the_file(city: HubData) -> None:
    client = logged_in_client(city.app, "analyst")
    rows = rows_of(client.get("/dashboard/export.csv?table=key-figures&period=2026-10").data)
    figures = {r[0]: r[1] for r in rows[1:]}
    assert figures["Nieuwe hulpvragen"] == "≥ 135"
    assert figures["Open hulpvragen"] == "21"
    value = rows_of(client.get("/dashboard/social-value/export.csv?table=social-value&period=2026").data)
    assert any("€ 1.088,88" in cell.replace("\xa0", " ") for cell in value[1])


def test_a_municipality_downloads_its_own_municipality_only(city: HubData) -> None:
    client = logged_in_client(city.app, "municipality")
    own = client.get("/dashboard/export.csv?table=by-area&period=2026-10")
    assert own.status_code == 200 and "GM0344" in own.headers["Content-Disposition"]
    assert "WK036301" not in own.data.decode("utf-8-sig")
    assert client.get("/dashboard/export.csv?table=by-area&area=city&period=2026-10").status_code == 200
    assert client.get("/dashboard/export.csv?table=by-area&area=GM0363").status_code == 403
    assert client.get("/dashboard/needs/export.csv?table=needs&area=WK036301").status_code == 403


def test_a_bad_filter_gives_no_file(city: HubData) -> None:
    answer = logged_in_client(city.app, "analyst").get("/dashboard/export.csv?table=trend&period=someday")
    assert answer.status_code == 400 and answer.mimetype == "text/html"
