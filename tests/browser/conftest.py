"""Browser tests: Debian's Chromium driven by Playwright, against a hub served for real with a small city's figures.

Without Chromium the tests are skipped with the reason, unless
WIJKNET_TEST_REQUIRE_BROWSER is set (CI): then they fail. Fixtures for
other browser tests: `browser`, `live_hub` (its `url` and `log_in`), `page`
and `phone_page`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from federation.hub.accounts.actor import HubRole
from tests.federation.hub.accounts.people import FAST_PASSWORDS, PASSWORD, add_user
from tests.federation.hub.conftest import hub_app, hub_key, hub_url  # noqa: F401  (fixtures for the live hub)
from tests.federation.hub.dashboards.city import build_city
from tests.federation.hub.dashboards.conftest import HubData

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Who can log in to the live hub, by role: (e-mail address, role, municipality).
PEOPLE = {
    "admin": ("admin@example.org", HubRole.ADMIN, None),
    "analyst": ("analyst@example.org", HubRole.ANALYST, None),
    "municipality": ("utrecht@example.org", HubRole.MUNICIPALITY, "GM0344"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _browser_required() -> bool:
    return os.environ.get("WIJKNET_TEST_REQUIRE_BROWSER", "") not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian (Playwright's own download does not work here)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        message = (
            "Chromium is not installed (apt-get install chromium); set WIJKNET_TEST_REQUIRE_BROWSER to fail instead"
        )
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def hub_database_url(tmp_path: Path) -> str:
    """SQLite only: the pages' SQL runs on PostgreSQL in the page tests already."""
    return f"sqlite:///{tmp_path / 'hub.sqlite3'}"


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return dict(FAST_PASSWORDS)


@dataclass
class LiveHub:
    app: Flask
    url: str

    def log_in(self, page: Page, who: str = "analyst") -> None:
        """Log in through the login form, as a person does; lands on the dashboard."""
        email = PEOPLE[who][0]
        page.goto(f"{self.url}/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{self.url}/dashboard**")


@pytest.fixture
def live_hub(hub_app: Flask, hub_url: str) -> LiveHub:  # noqa: F811
    """The hub on 127.0.0.1 with Utrecht's areas, four cooperatives' figures, and a person for each role."""
    build_city(HubData(hub_app))
    for email, role, municipality in PEOPLE.values():
        add_user(hub_app, email, role, municipality)
    return LiveHub(hub_app, hub_url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="nl-NL")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL")
    yield context.new_page()
    context.close()
