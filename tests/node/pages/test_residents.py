"""Residents' own pages: joining, asking and offering help, my page, and my data (download, consents, leaving)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from node.accounts.models import Account
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest
from node.matching.services import change_status as change_match_status
from node.members.models import Member
from schemas.node.codes import ConsentMethod, ConsentPurpose, MatchStatus, RequestStatus, Role
from tests.node.factories import SYSTEM, Factory

PASSWORD = "resident password"
JOINING = {
    "name": "Ans de Boer",
    "email": "Ans@Example.org",
    "phone": "030 123 45 67",
    "street_address": "Lindenlaan 4",
    "postcode": "3551ab",
    "buurt_code": "BU03440202",
    "password": "een goed wachtwoord",
    "consent_membership": "y",
    "consent_newsletter": "y",
}


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def post(client: FlaskClient, path: str, data: dict[str, Any], form_page: str | None = None) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page or path)})


def resident(make: Factory, client: FlaskClient, **fields: Any) -> int:
    """A member with a login, logged in on `client`."""
    member_id = make.member(password=PASSWORD, **fields)
    email = make.query(lambda: db.session.get(Member, member_id).email)
    assert post(client, "/login", {"email": email, "password": PASSWORD}).status_code == 302
    return member_id


def member_facts(make: Factory, email: str) -> dict[str, Any] | None:
    def read() -> dict[str, Any] | None:
        member = db.session.scalar(select(Member).where(Member.email == email))
        if member is None:
            return None
        return {
            "id": member.id,
            "name": member.name,
            "postcode": member.postcode,
            "buurt_code": member.buurt_code,
            "has_account": member.account is not None,
            "consents": {(c.purpose, c.method, c.on_behalf) for c in member.consents if c.active},
        }

    return make.query(read)


# --- joining ------------------------------------------------------------------


def test_join_makes_a_member_with_a_login_and_the_consents_given(client: FlaskClient, make: Factory) -> None:
    response = post(client, "/join", JOINING)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/welcome")

    facts = member_facts(make, "ans@example.org")
    assert facts is not None
    assert facts["name"] == "Ans de Boer"
    assert facts["postcode"] == "3551 AB"
    assert facts["buurt_code"] == "BU03440202"
    assert facts["has_account"]
    assert facts["consents"] == {
        (ConsentPurpose.MEMBERSHIP, ConsentMethod.ONLINE, False),
        (ConsentPurpose.NEWSLETTER, ConsentMethod.ONLINE, False),
    }
    welcome = client.get("/welcome").get_data(as_text=True)
    assert "Welkom, Ans de Boer!" in welcome
    assert "Hulp vragen" in welcome


def test_join_without_consent_for_membership_stores_nothing_and_keeps_what_was_typed(
    client: FlaskClient, make: Factory
) -> None:
    response = post(client, "/join", {**JOINING, "consent_membership": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#consent_membership"' in page
    assert "Zet hier een vinkje om lid te worden." in page
    assert 'value="Ans de Boer"' in page and 'value="Lindenlaan 4"' in page
    assert "een goed wachtwoord" not in page  # a password is never sent back
    assert member_facts(make, "ans@example.org") is None


def test_join_shows_every_problem_at_once_in_plain_words(client: FlaskClient) -> None:
    response = post(client, "/join", {**JOINING, "name": "", "email": "ans", "postcode": "35", "password": "kort"})
    assert response.status_code == 400
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert errors == [
        "Vul uw naam in.",
        "Schrijf uw e-mailadres zo: naam@voorbeeld.nl.",
        "Schrijf de postcode zo: 3551 AB.",
        "Gebruik minstens 10 tekens.",
    ]


def test_join_with_an_e_mail_address_already_in_use_says_so(client: FlaskClient, make: Factory) -> None:
    make.member(email="ans@example.org")
    response = post(client, "/join", JOINING)
    assert response.status_code == 409
    assert "Er is al een lid met dit e-mailadres." in response.get_data(as_text=True)
    assert make.query(lambda: len(db.session.scalars(select(Account)).all())) == 0


def test_the_join_page_speaks_english_on_request(client: FlaskClient) -> None:
    client.get("/language/en")
    page = client.get("/join").get_data(as_text=True)
    assert "Become a member of" in page
    assert "What happens with your details?" in page


# --- asking and offering ------------------------------------------------------


def test_asking_for_help_makes_a_request_of_ones_own(client: FlaskClient, make: Factory) -> None:
    member_id = resident(make, client)
    data = {
        "category": "transport",
        "description": "Naar het ziekenhuis op dinsdag",
        "urgency": "high",
        "days": ["tue"],
        "dayparts": ["morning", "afternoon"],
        "recurrence": "none",
        "buurt_code": "BU03440203",
    }
    response = post(client, "/ask", data)
    assert response.status_code == 302
    request = make.query(lambda: db.session.scalar(select(HelpRequest)))
    assert request.requester_id == member_id
    assert (request.category, request.urgency.value, request.buurt_code) == ("transport", "high", "BU03440203")
    assert request.preferred_slots == ["tue_morning", "tue_afternoon"]
    assert request.description == "Naar het ziekenhuis op dinsdag"


def test_a_question_without_a_kind_of_help_is_refused_and_keeps_the_text(client: FlaskClient, make: Factory) -> None:
    resident(make, client)
    response = post(client, "/ask", {"description": "Mijn lamp is kapot", "urgency": "normal", "recurrence": "none"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Kies wat voor hulp u zoekt." in page
    assert "Mijn lamp is kapot" in page
    assert make.query(lambda: db.session.scalar(select(HelpRequest))) is None


def test_someone_not_logged_in_is_invited_to_join_before_asking(client: FlaskClient) -> None:
    page = client.get("/ask").get_data(as_text=True)
    assert 'href="/join"' in page
    assert "Ik ben al lid: inloggen" in page


def test_offering_help_makes_an_offer_and_a_volunteer(client: FlaskClient, make: Factory) -> None:
    member_id = resident(make, client)
    response = post(client, "/offer", {"categories": ["garden", "digital"], "frequency": "weekly", "days": ["sat"]})
    assert response.status_code == 302
    offer = make.query(lambda: db.session.scalar(select(HelpOffer)))
    assert offer.volunteer_id == member_id
    assert offer.categories == ["digital", "garden"]
    assert offer.availability == ["sat_morning", "sat_afternoon", "sat_evening"]
    assert make.query(lambda: db.session.get(Member, member_id).has_role(Role.VOLUNTEER))


# --- my page ------------------------------------------------------------------


def test_my_page_shows_my_own_things_only(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client)
    someone_else = make.member()
    make.help_request(me, "garden", description="Mijn heg is te hoog")
    make.help_request(someone_else, "paperwork", description="Brief van de belastingdienst")
    make.offer(someone_else, ("digital",), description="Ik help met de computer")
    page = client.get("/me").get_data(as_text=True)
    assert "Mijn heg is te hoog" in page
    assert "Brief van de belastingdienst" not in page
    assert "Ik help met de computer" not in page
    assert client.get(f"/me/requests/{make.help_request(someone_else)}/withdraw").status_code == 404


def test_the_volunteers_details_show_only_once_the_match_is_accepted(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client)
    volunteer = make.member(roles=(Role.VOLUNTEER,), phone="06 1111 2222")
    make.consent(volunteer, ConsentPurpose.CONTACT_SHARING)
    request_id = make.help_request(me, "shopping")
    match_id = make.match(request_id, volunteer)
    assert "06 1111 2222" not in client.get("/me").get_data(as_text=True)
    make._run(change_match_status, SYSTEM, match_id, MatchStatus.ACCEPTED)
    page = client.get("/me").get_data(as_text=True)
    assert "06 1111 2222" in page
    assert "Zo bereikt u uw vrijwilliger" in page


def test_a_volunteer_says_yes_to_a_proposed_match(client: FlaskClient, make: Factory) -> None:
    volunteer = resident(make, client, roles=(Role.VOLUNTEER,))
    request_id = make.help_request(make.member(), "garden", description="Heg knippen")
    match_id = make.match(request_id, volunteer)
    assert "Heg knippen" in client.get("/me").get_data(as_text=True)
    response = post(client, f"/me/matches/{match_id}/answer", {"answer": "accepted"}, form_page="/me")
    assert response.status_code == 302
    status = make.query(lambda: db.session.get(HelpRequest, request_id).status)
    assert status == RequestStatus.MATCHED


def test_withdrawing_my_question_cancels_it(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client)
    request_id = make.help_request(me, "shopping")
    path = f"/me/requests/{request_id}/withdraw"
    assert "Hulpvraag intrekken?" in client.get(path).get_data(as_text=True)
    assert post(client, path, {}).status_code == 302
    assert make.query(lambda: db.session.get(HelpRequest, request_id).status) == RequestStatus.CANCELLED


# --- my data ------------------------------------------------------------------


def test_download_gives_my_own_data_as_a_json_file(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client, name="Ria Bewoner")
    make.help_request(me, "social", description="Iemand om mee te wandelen")
    make.help_request(make.member(), "garden", description="Niet van mij")
    response = client.get("/me/data/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["member"]["id"] == me and data["member"]["name"] == "Ria Bewoner"
    assert [r["description"] for r in data["help_requests"]] == ["Iemand om mee te wandelen"]


def test_changing_my_consents_gives_and_withdraws_them(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client)
    make.consent(me, ConsentPurpose.NEWSLETTER)
    assert post(client, "/me/data", {"consent_photos": "y"}).status_code == 302
    active = make.query(lambda: {c.purpose for c in db.session.get(Member, me).consents if c.active})
    assert active == {ConsentPurpose.MEMBERSHIP, ConsentPurpose.PHOTOS}


def test_leaving_erases_my_data_as_the_privacy_service_does_and_logs_me_out(client: FlaskClient, make: Factory) -> None:
    me = resident(make, client, phone="06 9999 0000")
    request_id = make.help_request(me, "shopping", description="Boodschappen op vrijdag")
    assert "Wat we bewaren, zonder uw naam" in client.get("/me/leave").get_data(as_text=True)

    refused = post(client, "/me/leave", {})
    assert refused.status_code == 400
    assert make.query(lambda: db.session.get(Member, me).erased_at) is None

    response = post(client, "/me/leave", {"confirm": "y"})
    assert response.status_code == 302
    member = make.query(lambda: db.session.get(Member, me))
    assert member.erased_at is not None
    assert (member.name, member.email, member.phone) == (None, None, None)
    assert member.buurt_code == "BU03440201"  # kept, so the figures stay true
    assert make.query(lambda: db.session.scalar(select(Account).where(Account.member_id == me))) is None
    request = make.query(lambda: db.session.get(HelpRequest, request_id))
    assert (request.status, request.description) == (RequestStatus.CANCELLED, None)

    home = client.get("/").get_data(as_text=True)
    assert "Uw gegevens zijn gewist" in home
    assert client.get("/me").status_code == 302  # logged out
