"""Residents on a phone: joining, asking for help, and an accessibility audit with axe-core.

axe-core comes bundled with the `axe-playwright-python` package, so the audit
fetches nothing from the network.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.node_fixtures import (
    LiveNode,
    live_node,  # noqa: F401  (fixture)
)

# What stops a person from using the page; "moderate" and "minor" findings are for review, not a failed build.
BLOCKING_IMPACTS = ("serious", "critical")


def blocking_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def join(page: Page, url: str, *, consent: bool = True) -> None:
    page.goto(f"{url}/")
    page.get_by_role("link", name="Word lid").click()
    page.get_by_label("Uw naam").fill("Ans de Boer")
    page.get_by_label("E-mailadres", exact=True).fill("ans@example.org")
    page.get_by_label("Uw buurt").select_option(label="Oost (test)")
    page.get_by_label("Kies een wachtwoord").fill("een goed wachtwoord")
    if consent:
        page.get_by_label("Ik word lid.").check()
    page.get_by_role("button", name="Word lid").click()


def test_a_resident_joins_and_asks_for_help_on_a_phone(live_node: LiveNode, phone_page: Page) -> None:  # noqa: F811
    page = phone_page
    join(page, live_node.url, consent=False)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Zet hier een vinkje om lid te worden.")
    expect(page.get_by_label("Uw naam")).to_have_value("Ans de Boer")  # nothing typed is lost

    page.get_by_label("Ik word lid.").check()
    page.get_by_label("Kies een wachtwoord").fill("een goed wachtwoord")
    page.get_by_role("button", name="Word lid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Ans de Boer!")

    page.locator("main").get_by_role("link", name="Hulp vragen").click()
    page.get_by_role("radio", name=re.compile(r"^Boodschappen")).check()
    page.get_by_label("Wat heeft u nodig?").fill("Iemand die op dinsdag boodschappen voor mij doet")
    page.get_by_label("Liefst deze week").check()
    page.get_by_label("Dinsdag", exact=True).check()
    page.get_by_role("button", name="Hulpvraag versturen").click()

    expect(page.locator(".notice.success")).to_contain_text("We hebben uw hulpvraag ontvangen.")
    question = page.locator("article", has_text="Iemand die op dinsdag boodschappen voor mij doet")
    expect(question).to_contain_text("We zoeken iemand die kan helpen")
    expect(question).to_contain_text("Liefst deze week")
    expect(question).to_contain_text("Dinsdag")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways on a phone"


def _targets(page: Page) -> list[dict[str, Any]]:
    """Buttons and choice rows smaller than 44 by 44 CSS pixels."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main button, main .button, main label.option')]
            .map(e => ({text: e.textContent.trim().slice(0, 40), w: e.getBoundingClientRect().width,
                        h: e.getBoundingClientRect().height}))
            .filter(t => t.w < 44 || t.h < 44)"""
    )


@pytest.mark.parametrize("path", ["/join", "/ask", "/offer", "/me", "/me/data", "/me/leave"])
def test_the_residents_pages_pass_an_accessibility_audit(
    live_node: LiveNode,  # noqa: F811
    phone_page: Page,
    path: str,
) -> None:
    page = phone_page
    if path != "/join":
        live_node.log_in(page, "resident")
        live_node.make.help_request(live_node.members["resident"], "garden", description="Heg knippen")
    page.goto(f"{live_node.url}{path}")
    assert blocking_violations(page) == []
    assert _targets(page) == []


def test_the_join_page_with_errors_passes_an_accessibility_audit(live_node: LiveNode, phone_page: Page) -> None:  # noqa: F811
    page = phone_page
    page.goto(f"{live_node.url}/join")
    page.get_by_role("button", name="Word lid").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert blocking_violations(page) == []
