"""The node administrator's pages in a real browser: an administrator makes a coordinator's account."""

from __future__ import annotations

from flask_babel import force_locale
from playwright.sync_api import Page, expect

from schemas.node.codes import Role
from tests.browser.node_fixtures import (
    LiveNode,
    live_node,  # noqa: F401  (fixture)
)


def coordinator_menu(node: LiveNode) -> list[str]:
    """The Dutch labels of the menu entries a coordinator may open, as the app has them registered."""
    with node.app.test_request_context(), force_locale("nl"):
        return [str(e.label) for e in node.app.extensions["wijknet.node_menu"] if Role.COORDINATOR in e.roles]


def test_admin_makes_a_coordinator_who_then_sees_the_coordinators_menu(
    live_node: LiveNode,  # noqa: F811
    page: Page,
) -> None:
    live_node.log_in(page, "admin")
    nav = page.locator("header nav")
    nav.get_by_role("link", name="Beheer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beheer")
    page.get_by_role("link", name="Accounts en rollen").first.click()
    page.get_by_role("link", name="Account toevoegen").click()

    page.get_by_label("E-mailadres").fill("nadia@example.org")
    page.get_by_label("Naam").fill("Nadia Bakker")
    page.get_by_label("Coördinator").check()
    page.get_by_role("button", name="Account toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Account gemaakt voor Nadia Bakker")
    expect(page.get_by_text("Dit wachtwoord zie je alleen nu.")).to_be_visible()
    password = page.locator("code.secret").inner_text()
    page.get_by_role("button", name="Uitloggen").click()

    page.goto(f"{live_node.url}/login")
    page.get_by_label("E-mailadres").fill("nadia@example.org")
    page.get_by_label("Wachtwoord").fill(password)
    page.locator("main form").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_node.url}/")

    expect(page.locator("header")).to_contain_text("Nadia Bakker")
    expected = coordinator_menu(live_node)
    assert expected, "the coordinator's pages are registered in the menu"
    for label in expected:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Beheer")).to_have_count(0)
