"""`/api/v1/activities`: what the cooperative organised and how many took part."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from schemas.node.codes import Role
from tests.node.api.conftest import assert_problem, error_fields
from tests.node.factories import Factory


def test_a_coordinator_records_an_activity(client: FlaskClient, make: Factory) -> None:
    organiser, headers = make.person(Role.COORDINATOR)
    body = {"title": "Repair café", "category": "practical", "held_on": "2026-04-11", "participants": 31,
            "buurt_code": "BU03440202", "location": "Buurthuis De Boog", "organiser_id": organiser}  # fmt: skip
    created = client.post("/api/v1/activities", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert {k: created.json[k] for k in body} == body
    changed = client.patch(f"/api/v1/activities/{created.json['id']}", json={"participants": 35}, headers=headers)
    assert changed.json["participants"] == 35


def test_members_see_activities_but_only_coordinators_change_them(client: FlaskClient, make: Factory) -> None:
    _, member = make.person(Role.MEMBER)
    activity = make.activity()
    assert client.get(f"/api/v1/activities/{activity}", headers=member).json["participants"] == 23
    assert_problem(client.patch(f"/api/v1/activities/{activity}", json={"participants": 1}, headers=member), 403)


def test_an_activity_is_deleted(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    activity = make.activity()
    assert client.delete(f"/api/v1/activities/{activity}", headers=headers).status_code == 204
    assert_problem(client.get(f"/api/v1/activities/{activity}", headers=headers), 404, "not_found")
    assert_problem(client.delete(f"/api/v1/activities/{activity}", headers=headers), 404, "not_found")


def test_bad_references_are_refused(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    base = {"title": "Buurtlunch", "category": "social", "held_on": "2026-04-11"}
    unknown = client.post("/api/v1/activities", json={**base, "organiser_id": 2**31 - 1}, headers=headers)
    assert error_fields(assert_problem(unknown, 422)) == {"organiser_id"}
    elsewhere = client.post("/api/v1/activities", json={**base, "buurt_code": "BU00000000"}, headers=headers)
    assert error_fields(assert_problem(elsewhere, 422)) == {"buurt_code"}
    negative = client.post("/api/v1/activities", json={**base, "participants": -3}, headers=headers)
    assert error_fields(assert_problem(negative, 422)) == {"participants"}


def test_the_list_filters_and_pages(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.VOLUNTEER)
    march = make.activity(held_on=date(2026, 3, 14), category="social")
    april = make.activity(held_on=date(2026, 4, 11), category="practical", buurt_code="BU03440202")
    may = make.activity(held_on=date(2026, 5, 9), category="social")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/activities?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["items"]]

    assert ids("") == [may, april, march]
    assert ids("category=social") == [may, march]
    assert ids("buurt_code=BU03440202") == [april]
    assert ids("held_from=2026-04-01&held_until=2026-04-30") == [april]
    page = client.get("/api/v1/activities?page=2&page_size=2", headers=headers).json
    assert ([a["id"] for a in page["items"]], page["total"], page["pages"]) == ([march], 3, 2)
