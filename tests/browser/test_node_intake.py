"""The coordinator's front desk in a real browser: a phone call becomes a request, a match, hours and a done request."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from schemas.node.codes import ConsentPurpose
from tests.browser.node_fixtures import (
    LiveNode,
    live_node,  # noqa: F401  (fixture)
)


def test_coordinator_takes_a_call_through_to_a_done_request(
    live_node: LiveNode,  # noqa: F811
    page: Page,
) -> None:
    vera = live_node.members["volunteer"]
    live_node.make.offer(vera, ("shopping",))
    live_node.make.consent(vera, ConsentPurpose.CONTACT_SHARING)

    live_node.log_in(page, "coordinator")
    page.locator("header nav").get_by_role("link", name="Telefonische intake").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Telefonische intake")

    # Truus is not a member yet: the search finds no one.
    page.get_by_label("Zoek op naam, telefoonnummer of postcode").fill("Truus")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("Geen lid gevonden voor „Truus”")).to_be_visible()

    page.get_by_label("Een nieuwe bewoner").check()
    page.get_by_label("Naam", exact=True).fill("Truus Bakker")
    page.get_by_label("Telefoonnummer", exact=True).fill("030 123 45 67")
    page.get_by_label("Straat en huisnummer").fill("Lindelaan 4")
    page.get_by_label("Postcode", exact=True).fill("3551ab")
    page.get_by_label("Buurt waar ze wonen").select_option(label="Noord (test)")
    page.get_by_label("hun telefoonnummer en adres geeft aan de vrijwilliger die helpt").check()
    expect(page.get_by_label("hun gegevens bewaart om hen te helpen (lidmaatschap)")).to_be_checked()
    page.get_by_label("Wat voor hulp?").select_option(label="Boodschappen")
    page.get_by_label("Wat is er nodig?").fill("Boodschappen op donderdag, ze loopt slecht.")
    page.get_by_label("Hoe snel?").select_option(label="snel")
    page.get_by_label("do ochtend").check()
    page.get_by_role("button", name="Intake opslaan").click()

    # The request's page: what was said on the phone, and who could help.
    expect(page.get_by_text("Opgeslagen: de hulpvraag van Truus Bakker staat in de inbox.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Boodschappen")
    expect(page.get_by_text("Boodschappen op donderdag, ze loopt slecht.")).to_be_visible()
    expect(page.get_by_text("wacht op een vrijwilliger", exact=True)).to_be_visible()
    suggestion = page.locator("ol.suggestions li").filter(has_text="Vera Vrijwilliger")
    expect(suggestion).to_contain_text("biedt hulp bij Boodschappen")
    expect(suggestion).to_contain_text("woont in dezelfde buurt (Noord (test))")
    suggestion.get_by_role("button", name="Vera Vrijwilliger voorstellen").click()

    expect(page.get_by_text("Vera Vrijwilliger is voorgesteld.")).to_be_visible()
    expect(page.get_by_text("030 123 45 67")).to_have_count(0)  # no contact details before she accepts
    page.get_by_role("button", name="Aangenomen: gaat helpen").click()

    expect(page.get_by_text("Vera Vrijwilliger helpt.")).to_be_visible()
    expect(page.get_by_role("link", name="030 123 45 67")).to_be_visible()
    expect(page.locator(".contacts")).to_contain_text("Lindelaan 4, 3551 AB")

    match = page.locator("section.match")
    match.get_by_label("Uren", exact=True).fill("1,5")
    match.get_by_label("Toelichting").fill("Albert Heijn")
    match.get_by_role("button", name="Uren schrijven").click()
    expect(page.get_by_text("1,5 uur geschreven voor Vera Vrijwilliger.")).to_be_visible()
    expect(page.locator("ul.hours")).to_contain_text("1,5 uur · Albert Heijn")

    page.get_by_role("button", name="Afgerond: de hulp is gegeven").click()
    expect(page.get_by_text("De hulpvraag is afgerond.", exact=True)).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text("afgerond")
    expect(page.get_by_role("heading", name="Voorgestelde vrijwilligers")).to_have_count(0)

    # The inbox has no one waiting any more.
    page.locator("header nav").get_by_role("link", name="Inbox", exact=True).click()
    expect(page.get_by_text("Niemand wacht op een vrijwilliger.")).to_be_visible()
