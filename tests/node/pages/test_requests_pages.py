"""The inbox and a request's page: suggestions, matches, contact details, hours, and closing a request."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from node.extensions import db
from node.help.models import HelpRequest
from node.matching.models import Match
from node.work.models import TimeLog
from schemas.node.codes import ConsentPurpose, MatchStatus, RequestStatus, Role, Urgency
from tests.node.factories import Factory
from tests.node.pages.front_desk import csrf_token, log_in, person

REQUESTER_PHONE = "030 765 43 21"
VOLUNTEER_PHONE = "06 1111 2222"


@pytest.fixture
def coordinator(client: FlaskClient, make: Factory) -> int:
    member_id, email = person(make, Role.COORDINATOR, name="Karim Coördinator")
    log_in(client, email)
    return member_id


@pytest.fixture
def asked(make: Factory) -> tuple[int, int]:
    """A shopping request by Jan, and Vera who offers shopping help in his buurt: (request id, Vera's id)."""
    jan = make.member(name="Jan de Vries", phone=REQUESTER_PHONE, street_address="Lindelaan 4")
    make.consent(jan, ConsentPurpose.CONTACT_SHARING)
    vera = make.member(name="Vera Vrijwilliger", phone=VOLUNTEER_PHONE, roles=(Role.VOLUNTEER,))
    make.consent(vera, ConsentPurpose.CONTACT_SHARING)
    make.offer(vera, ("shopping",))
    return make.help_request(jan, "shopping"), vera


def form_post(client: FlaskClient, page: str, url: str, **data: object) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def status_of(make: Factory, request_id: int) -> RequestStatus:
    return make.query(lambda: db.session.get(HelpRequest, request_id).status)


def only_match(make: Factory, request_id: int) -> tuple[int, MatchStatus]:
    return make.query(
        lambda: db.session.execute(select(Match.id, Match.status).where(Match.request_id == request_id)).one()
    )


def test_the_inbox_puts_urgent_first_then_the_longest_waiting(
    client: FlaskClient, make: Factory, coordinator: int
) -> None:
    anna = make.member(name="Anna")
    make.help_request(anna, "garden", description="Heg knippen")
    make.help_request(anna, "digital", description="DigiD aanvragen")
    make.help_request(anna, "shopping", description="Boodschappen vandaag", urgency=Urgency.URGENT)
    page = client.get("/requests").get_data(as_text=True)
    assert page.index("Boodschappen vandaag") < page.index("Heg knippen") < page.index("DigiD aanvragen")
    assert "spoed" in page
    assert "3 hulpvragen" in page
    # Counted per category, with the code list's labels, each a link that filters.
    assert re.search(r'category=digital[^>]*><span class="count">1</span> Digitale hulp', page)

    filtered = client.get("/requests?category=garden").get_data(as_text=True)
    assert "Heg knippen" in filtered and "DigiD aanvragen" not in filtered


def test_the_inbox_filters_by_buurt_and_status(client: FlaskClient, make: Factory, coordinator: int) -> None:
    north = make.member(name="Noord", buurt_code="BU03440201")
    east = make.member(name="Oost", buurt_code="BU03440202")
    make.help_request(north, description="In het noorden")
    make.help_request(east, description="In het oosten")
    page = client.get("/requests?buurt_code=BU03440202").get_data(as_text=True)
    assert "In het oosten" in page and "In het noorden" not in page
    done = client.get("/requests?status=done").get_data(as_text=True)
    assert "Er zijn geen hulpvragen met deze filters" in done


def test_an_empty_inbox_says_what_to_do(client: FlaskClient, coordinator: int) -> None:
    page = client.get("/requests").get_data(as_text=True)
    assert "Niemand wacht op een vrijwilliger" in page
    assert 'href="/intake"' in page


def test_suggestions_come_with_their_reasons(client: FlaskClient, asked: tuple[int, int], coordinator: int) -> None:
    request_id, _ = asked
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Vera Vrijwilliger voorstellen" in page
    assert "biedt hulp bij Boodschappen" in page
    assert "woont in dezelfde buurt (Noord (test))" in page


def test_contact_details_appear_only_once_the_volunteer_accepts(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, vera = asked
    page_url = f"/requests/{request_id}"
    proposed = form_post(client, page_url, f"{page_url}/matches", volunteer_id=str(vera))
    assert proposed.status_code == 302
    match_id, status = only_match(make, request_id)
    assert status == MatchStatus.PROPOSED
    before = client.get(page_url).get_data(as_text=True)
    assert "is voorgesteld" in before
    assert REQUESTER_PHONE not in before and VOLUNTEER_PHONE not in before and "Lindelaan 4" not in before

    accepted = form_post(client, page_url, f"{page_url}/matches/{match_id}/status", action="accept")
    assert accepted.status_code == 302
    after = client.get(page_url).get_data(as_text=True)
    assert REQUESTER_PHONE in after and VOLUNTEER_PHONE in after and "Lindelaan 4" in after
    assert status_of(make, request_id) == RequestStatus.MATCHED


def test_hours_are_logged_on_an_accepted_match(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, vera = asked
    match_id = make.match(request_id, vera, MatchStatus.ACCEPTED)
    page_url = f"/requests/{request_id}"
    prefix = f"hours-{match_id}-"
    worked = date.today() - timedelta(days=1)
    response = form_post(
        client,
        page_url,
        f"{page_url}/matches/{match_id}/hours",
        **{f"{prefix}worked_on": worked.isoformat(), f"{prefix}hours": "1,5", f"{prefix}note": "Albert Heijn"},
    )
    assert response.status_code == 302
    logs = make.query(lambda: db.session.execute(select(TimeLog.member_id, TimeLog.hours, TimeLog.worked_on)).all())
    assert logs == [(vera, Decimal("1.50"), worked)]
    assert "1,5 uur" in client.get(page_url).get_data(as_text=True)


def test_bad_hours_are_refused_beside_the_field_and_kept(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, vera = asked
    match_id = make.match(request_id, vera, MatchStatus.ACCEPTED)
    page_url = f"/requests/{request_id}"
    prefix = f"hours-{match_id}-"
    response = form_post(
        client,
        page_url,
        f"{page_url}/matches/{match_id}/hours",
        **{f"{prefix}worked_on": date.today().isoformat(), f"{prefix}hours": "30", f"{prefix}note": "Te lang"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "van 0,01 tot 24" in page
    assert 'value="30"' in page and 'value="Te lang"' in page
    assert make.query(lambda: db.session.scalars(select(TimeLog)).all()) == []


def test_completing_a_request_completes_its_match(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, vera = asked
    make.match(request_id, vera, MatchStatus.ACCEPTED)
    page_url = f"/requests/{request_id}"
    assert form_post(client, page_url, f"{page_url}/status", action="complete").status_code == 302
    assert status_of(make, request_id) == RequestStatus.DONE
    assert only_match(make, request_id)[1] == MatchStatus.COMPLETED
    assert "De hulpvraag is afgerond" in client.get(page_url).get_data(as_text=True)


def test_cancelling_keeps_the_reason(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, _ = asked
    page_url = f"/requests/{request_id}"
    form_post(client, page_url, f"{page_url}/status", action="cancel", note="Dochter helpt nu")
    assert status_of(make, request_id) == RequestStatus.CANCELLED
    assert "Dochter helpt nu" in client.get(page_url).get_data(as_text=True)


def test_referring_needs_to_whom(client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int) -> None:
    request_id, _ = asked
    page_url = f"/requests/{request_id}"
    refused = form_post(client, page_url, f"{page_url}/status", action="refer", note="Schulden")
    assert refused.status_code == 400
    assert "Kies naar wie" in refused.get_data(as_text=True)
    assert status_of(make, request_id) == RequestStatus.OPEN

    form_post(client, page_url, f"{page_url}/status", action="refer", referral_to="debt_counselling", note="Schulden")
    assert status_of(make, request_id) == RequestStatus.REFERRED
    page = client.get(page_url).get_data(as_text=True)
    assert "schuldhulpverlening" in page and "Schulden" in page


def test_completing_an_open_request_is_refused_kindly(
    client: FlaskClient, make: Factory, asked: tuple[int, int], coordinator: int
) -> None:
    request_id, _ = asked
    page_url = f"/requests/{request_id}"
    response = form_post(client, page_url, f"{page_url}/status", action="complete")
    assert response.status_code == 302
    assert "Dat kan niet meer" in client.get(page_url).get_data(as_text=True)
    assert status_of(make, request_id) == RequestStatus.OPEN


@pytest.mark.parametrize("role", [Role.VOLUNTEER, None])
def test_volunteers_and_residents_get_403(
    client: FlaskClient, make: Factory, asked: tuple[int, int], role: Role | None
) -> None:
    request_id, vera = asked
    _, email = person(make, role)
    log_in(client, email)
    assert client.get("/requests").status_code == 403
    assert client.get(f"/requests/{request_id}").status_code == 403
    token = csrf_token(client, "/")
    proposing = client.post(f"/requests/{request_id}/matches", data={"csrf_token": token, "volunteer_id": vera})
    assert proposing.status_code == 403
    assert make.query(lambda: db.session.scalars(select(Match)).all()) == []


def test_someone_not_logged_in_is_sent_to_log_in(client: FlaskClient, asked: tuple[int, int]) -> None:
    for path in ("/requests", f"/requests/{asked[0]}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
