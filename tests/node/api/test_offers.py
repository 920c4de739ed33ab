"""`/api/v1/help-offers`: offering help, pausing and ending it, and who sees which offers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from node.extensions import db
from node.help.models import OfferStatusChange
from schemas.node.codes import Role
from tests.node.api.conftest import assert_problem, error_fields
from tests.node.factories import Factory


def status_history(app: Flask, offer_id: int) -> list[str]:
    with app.app_context():
        query = select(OfferStatusChange.status).where(OfferStatusChange.offer_id == offer_id)
        return [s.value for s in db.session.scalars(query.order_by(OfferStatusChange.id))]


def test_offering_help_makes_a_member_a_volunteer(client: FlaskClient, make: Factory) -> None:
    member, headers = make.person(Role.MEMBER)
    body = {"categories": ["shopping", "garden", "garden"], "availability": ["sat_morning"], "frequency": "weekly"}
    response = client.post("/api/v1/help-offers", json=body, headers=headers)
    assert response.status_code == 201, response.json
    offer = response.json
    assert (offer["volunteer"]["id"], offer["categories"], offer["status"]) == (
        member,
        ["garden", "shopping"],
        "active",
    )
    assert "volunteer" in client.get("/api/v1/members/me", headers=headers).json["roles"]


def test_an_offer_names_at_least_one_category(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.VOLUNTEER)
    response = client.post("/api/v1/help-offers", json={"categories": []}, headers=headers)
    assert error_fields(assert_problem(response, 422)) == {"categories"}


def test_pausing_resuming_and_ending_are_recorded(app: Flask, client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    offer = make.offer(volunteer)
    for status in ("paused", "active", "ended"):
        response = client.patch(f"/api/v1/help-offers/{offer}", json={"status": status}, headers=headers)
        assert response.json["status"] == status
    assert status_history(app, offer) == ["active", "paused", "active", "ended"]
    ended = client.patch(f"/api/v1/help-offers/{offer}", json={"frequency": "weekly"}, headers=headers)
    assert_problem(ended, 409, "invalid_transition")


def test_volunteers_see_their_own_offers_and_coordinators_all(client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    other = make.member(roles=(Role.VOLUNTEER,))
    own = make.offer(volunteer, ("garden",))
    theirs = make.offer(other, ("digital",))
    assert [o["id"] for o in client.get("/api/v1/help-offers", headers=headers).json["items"]] == [own]
    assert_problem(client.get(f"/api/v1/help-offers?volunteer_id={other}", headers=headers), 403)
    assert_problem(client.get(f"/api/v1/help-offers/{theirs}", headers=headers), 404)

    _, coordinator = make.person(Role.COORDINATOR)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/help-offers?{query}", headers=coordinator)
        assert response.status_code == 200, response.json
        return [o["id"] for o in response.json["items"]]

    assert ids("") == [theirs, own]
    assert ids("category=garden") == [own]
    assert ids(f"volunteer_id={other}") == [theirs]
    client.patch(f"/api/v1/help-offers/{own}", json={"status": "paused"}, headers=coordinator)
    assert ids("status=paused") == [own]


def test_a_coordinator_enters_an_offer_for_someone(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member()
    body = {"volunteer_id": member, "categories": ["transport"], "description": "Rijdt naar het ziekenhuis"}
    response = client.post("/api/v1/help-offers", json=body, headers=headers)
    assert response.status_code == 201 and response.json["volunteer"]["id"] == member
    gone = make.member(status="ended")
    refused = client.post(
        "/api/v1/help-offers", json={"volunteer_id": gone, "categories": ["transport"]}, headers=headers
    )
    assert error_fields(assert_problem(refused, 422)) == {"volunteer_id"}
