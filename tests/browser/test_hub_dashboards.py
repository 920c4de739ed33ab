"""The hub's dashboard in a real browser: log in, filter by period and area, download the CSV, read it on a phone."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page

from tests.browser.conftest import LiveHub


def key_figure(page: Page, label: str) -> str:
    card = page.locator(".key-figures .card", has=page.locator(".figure-label", has_text=label)).first
    return card.locator(".figure").inner_text()


def test_the_filters_change_the_figures(live_hub: LiveHub, page: Page) -> None:
    live_hub.log_in(page, "analyst")
    page.fill("#filter-period", "2026-10")
    page.locator("form.filters button[type=submit]").click()
    assert key_figure(page, "Nieuwe hulpvragen") == "≥ 135"  # a withheld count: never shown as exact
    assert "period=2026-10" in page.url

    page.select_option("#filter-area", "WK034401")
    page.locator("form.filters button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Wijk West"
    assert key_figure(page, "Nieuwe hulpvragen") == "20"

    page.fill("#filter-period", "2026-09")
    page.locator("form.filters button[type=submit]").click()
    assert key_figure(page, "Nieuwe hulpvragen") == "30"
    assert page.locator("svg[role=img]").count() == 2


def test_a_bad_period_says_what_is_wrong(live_hub: LiveHub, page: Page) -> None:
    live_hub.log_in(page, "analyst")
    page.fill("#filter-period", "oktober")
    page.locator("form.filters button[type=submit]").click()
    assert "De periode oktober is geen maand" in page.locator(".notice.error").inner_text()


def test_the_csv_download_holds_the_tables_figures(live_hub: LiveHub, page: Page) -> None:
    live_hub.log_in(page, "municipality")
    page.goto(f"{live_hub.url}/dashboard?period=2026-10")
    with page.expect_download() as started:
        page.locator("a[href*='table=by-area']").click()
    download = started.value
    assert download.suggested_filename == "wijknet-GM0344-2026-10-by-area-requests_new.csv"
    data = download.path().read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Gebied", "Code", "Nieuwe hulpvragen"]
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["WK034401"][2] == "20" and by_code["WK034402"][2] == "≥ 0"
    assert "WK036301" not in by_code  # Amsterdam is not this municipality's


def test_the_pages_fit_a_phone(live_hub: LiveHub, phone_page: Page) -> None:
    live_hub.log_in(phone_page, "admin")
    for path in ("/dashboard", "/dashboard/needs", "/dashboard/reporting", "/dashboard/social-value", "/areas"):
        phone_page.goto(live_hub.url + path)
        scroll, width = phone_page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= width, (path, scroll, width)  # wide tables scroll inside their frame, not the page
    assert phone_page.locator(".table-wrap").first.evaluate("e => getComputedStyle(e).overflowX") == "auto"
