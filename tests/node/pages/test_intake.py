"""Phone intake: a resident, their consent and their request saved in one go, or nothing at all."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from node.extensions import db
from node.help.models import HelpRequest
from node.members.models import Consent, Member
from schemas.node.codes import ConsentMethod, ConsentPurpose, MembershipStatus, Role
from tests.node.factories import Factory
from tests.node.pages.front_desk import csrf_token, log_in, person


@pytest.fixture
def coordinator(client: FlaskClient, make: Factory) -> int:
    member_id, email = person(make, Role.COORDINATOR, name="Karim Coördinator")
    log_in(client, email)
    return member_id


def intake_form(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    """What a coordinator fills in for a new resident who needs shopping done."""
    return {
        "csrf_token": csrf_token(client, "/intake"),
        "action": "save",
        "member_id": "new",
        "name": "Truus Bakker",
        "phone": "030 123 45 67",
        "street_address": "Lindelaan 4",
        "postcode": "3551ab",
        "member_buurt": "BU03440202",
        "purposes": ["membership", "contact_sharing"],
        "method": "phone",
        "category": "shopping",
        "description": "Boodschappen op donderdag, ze loopt slecht.",
        "urgency": "high",
        "buurt_code": "",
        "preferred_slots": ["thu_morning", "thu_afternoon"],
        "recurrence": "weekly",
        **fields,
    }


def count(make: Factory, model: type) -> int:
    return make.query(lambda: db.session.scalar(select(func.count()).select_from(model)))


def test_intake_of_a_new_resident_saves_member_consent_and_request(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    response = client.post("/intake", data=intake_form(client))
    assert response.status_code == 302
    request_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def saved() -> tuple[Any, ...]:
        help_request = db.session.get(HelpRequest, request_id)
        member = help_request.requester
        consents = sorted((c.purpose, c.method, c.on_behalf, c.recorded_by_id) for c in member.consents)
        return (member.name, member.postcode, member.buurt_code, consents, help_request)

    name, postcode, buurt, consents, help_request = make.query(saved)
    assert (name, postcode, buurt) == ("Truus Bakker", "3551 AB", "BU03440202")
    assert consents == [
        (ConsentPurpose.CONTACT_SHARING, ConsentMethod.PHONE, True, coordinator),
        (ConsentPurpose.MEMBERSHIP, ConsentMethod.PHONE, True, coordinator),
    ]
    assert help_request.category == "shopping"
    assert help_request.buurt_code == "BU03440202"  # the resident's, as nothing else was chosen
    assert help_request.preferred_slots == ["thu_morning", "thu_afternoon"]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Truus Bakker" in page and "Boodschappen op donderdag" in page
    assert "in de inbox" in page  # the flash message


def test_search_finds_an_existing_member_and_the_intake_adds_only_the_missing_consent(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    jan = make.member(name="Jan de Vries", phone="06 1234 5678", postcode="3551 AB")
    page = client.get("/intake?q=de vries").get_data(as_text=True)
    assert "Jan de Vries" in page

    form = intake_form(client, member_id=str(jan), name="", phone="", postcode="", street_address="")
    response = client.post("/intake", data=form)
    assert response.status_code == 302

    def consents() -> list[ConsentPurpose]:
        return sorted(c.purpose for c in db.session.get(Member, jan).consents)

    # Membership was already given (online, by Jan); only contact sharing is new.
    assert make.query(consents) == [ConsentPurpose.CONTACT_SHARING, ConsentPurpose.MEMBERSHIP]
    assert count(make, Member) == 2


def test_a_bad_intake_saves_nothing_and_keeps_what_was_typed(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    members, consents, requests = count(make, Member), count(make, Consent), count(make, HelpRequest)
    form = intake_form(client, postcode="35510", email="not an address")
    response = client.post("/intake", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Er is nog niets opgeslagen" in page
    assert "3551 AB" in page  # how a postcode looks, beside the field
    assert "geen e-mailadres" in page
    for typed in ("Truus Bakker", "030 123 45 67", "Lindelaan 4", "35510", "Boodschappen op donderdag"):
        assert typed in page
    assert re.search(r'<input checked[^>]*value="thu_morning"', page)
    assert (count(make, Member), count(make, Consent), count(make, HelpRequest)) == (members, consents, requests)


def test_a_new_resident_needs_consent_for_membership(client: FlaskClient, make: Factory, coordinator: int) -> None:
    members = count(make, Member)
    response = client.post("/intake", data=intake_form(client, purposes=["contact_sharing"]))
    assert response.status_code == 400
    assert "geen hulpvraag worden aangenomen" in response.get_data(as_text=True)
    assert count(make, Member) == members


def test_a_service_refusal_half_way_undoes_the_consent_already_recorded(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    """Consent is recorded before the request is refused: the savepoint takes it back."""
    former = make.member(name="Piet Oud", status=MembershipStatus.ENDED)
    consents = count(make, Consent)
    response = client.post("/intake", data=intake_form(client, member_id=str(former), q="Piet"))
    assert response.status_code == 400
    assert "lidmaatschap is beëindigd" in response.get_data(as_text=True)
    assert count(make, Consent) == consents
    assert count(make, HelpRequest) == 0


def test_a_request_without_a_category_is_refused_beside_the_field(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    response = client.post("/intake", data=intake_form(client, category=""))
    assert response.status_code == 400
    assert "Kies wat voor hulp" in response.get_data(as_text=True)
    assert count(make, HelpRequest) == 0


@pytest.mark.parametrize("role", [Role.VOLUNTEER, None])
def test_volunteers_and_residents_may_not_take_in(client: FlaskClient, make: Factory, role: Role | None) -> None:
    _, email = person(make, role)
    log_in(client, email)
    assert client.get("/intake").status_code == 403
    assert client.post("/intake", data={"action": "save"}).status_code in (400, 403)


def test_someone_not_logged_in_is_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/intake")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
