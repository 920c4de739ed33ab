"""The coordinator's overviews in a real browser: the needs analysis and the volunteers, on a desk and on a phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from schemas.node.codes import MatchStatus, Role
from tests.browser.node_fixtures import (
    LiveNode,
    live_node,  # noqa: F401  (fixture)
)

PAGES = ("/needs", "/volunteers")


def add_neighbourhood(node: LiveNode) -> dict[str, int]:
    """Two volunteers, one busy in the garden; three requests for shopping with one offer to answer them."""
    make, people = node.make, node.members
    anna = make.member(name="Anna Tuinier", roles=(Role.VOLUNTEER,), buurt_code="BU03440202")
    bram = make.member(name="Bram Boodschap", roles=(Role.VOLUNTEER,), buurt_code="BU03440201")
    make.offer(anna, ("garden",))
    make.offer(bram, ("shopping",))
    for _ in range(3):
        make.help_request(people["Jan de Vries"], "shopping", buurt_code="BU03440201")
    garden = make.help_request(people["Henk Jansen"], "garden", buurt_code="BU03440203")
    match = make.match(garden, anna, MatchStatus.ACCEPTED)
    make.time_log(anna, match_id=match, hours="4")
    return {"anna": anna, "bram": bram}


def no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= viewport, f"{page.url} scrolls sideways: {width}px in {viewport}px"


def test_coordinator_reads_the_needs_and_the_volunteers(live_node: LiveNode, page: Page) -> None:  # noqa: F811
    add_neighbourhood(live_node)
    live_node.log_in(page, "coordinator")
    page.get_by_role("link", name="Behoefteanalyse").click()
    chart = page.get_by_role("img", name="Waar de vraag het aanbod overtreft, per categorie")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_contain_text("Boodschappen: 2")  # three wait, one offer
    expect(page.locator("table").first).to_contain_text("Boodschappen")

    page.get_by_role("link", name="Vrijwilligers").click()
    anna = page.get_by_role("row").filter(has_text="Anna Tuinier")
    expect(anna).to_contain_text("Tuin & groen")
    expect(anna.locator("td.num").last).to_have_text("4")  # hours this month
    anna.get_by_role("link", name="Anna Tuinier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Tuinier")
    expect(page.locator("main")).to_contain_text("geaccepteerd")


def test_the_overviews_fit_a_phone(live_node: LiveNode, phone_page: Page) -> None:  # noqa: F811
    add_neighbourhood(live_node)
    live_node.log_in(phone_page, "coordinator")
    for path in PAGES:
        phone_page.goto(f"{live_node.url}{path}")
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        no_sideways_scroll(phone_page)
