"""`/api/v1/members`: registering, changing, roles, consent, `me` and passwords."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from node.accounts.services import LoginOutcome, login
from schemas.node.codes import Role
from tests.node.api.conftest import PASSWORD, assert_problem, bearer, error_fields
from tests.node.factories import Factory


def test_a_coordinator_registers_a_member_at_phone_intake(client: FlaskClient, make: Factory) -> None:
    coordinator, headers = make.person(Role.COORDINATOR)
    response = client.post(
        "/api/v1/members",
        json={"name": " Anna de Vries ", "email": " Anna@Example.ORG", "postcode": "3551ab", "skills": ["garden"]},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    member = response.json
    assert (member["name"], member["email"], member["postcode"]) == ("Anna de Vries", "anna@example.org", "3551 AB")
    assert member["roles"] == ["member"] and member["skills"] == ["garden"] and member["has_account"] is False

    consent = client.post(
        f"/api/v1/members/{member['id']}/consents", json={"purpose": "membership", "method": "phone"}, headers=headers
    )
    assert consent.status_code == 201
    assert consent.json["on_behalf"] is True
    assert consent.json["recorded_by_id"] == coordinator
    assert consent.json["statement_version"] == "2026-01"  # the node's current privacy statement


def test_a_coordinator_cannot_claim_consent_was_given_online(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member(consent=False)
    response = client.post(
        f"/api/v1/members/{member}/consents", json={"purpose": "membership", "method": "online"}, headers=headers
    )
    assert error_fields(assert_problem(response, 422, "invalid_input")) == {"method"}


def test_a_member_gives_and_withdraws_their_own_consent(client: FlaskClient, make: Factory) -> None:
    member, headers = make.person(Role.MEMBER)
    given = client.post(
        f"/api/v1/members/{member}/consents", json={"purpose": "contact_sharing", "method": "online"}, headers=headers
    )
    assert given.status_code == 201
    assert given.json["on_behalf"] is False and given.json["recorded_by_id"] is None
    consent_id = given.json["id"]

    withdrawn = client.post(f"/api/v1/members/{member}/consents/{consent_id}/withdrawal", headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json["active"] is False and withdrawn.json["withdrawn_at"]
    again = client.post(f"/api/v1/members/{member}/consents/{consent_id}/withdrawal", headers=headers)
    assert_problem(again, 409, "conflict")

    listed = client.get(f"/api/v1/members/{member}/consents", headers=headers).json
    assert [(c["purpose"], c["active"]) for c in listed] == [("membership", True), ("contact_sharing", False)]


def test_a_consent_is_only_reached_through_its_own_member(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    anna, bert = make.member(), make.member()
    consent = make.consent(anna)
    response = client.post(f"/api/v1/members/{bert}/consents/{consent}/withdrawal", headers=headers)
    assert_problem(response, 404, "not_found")


def test_an_email_address_belongs_to_one_member(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    make.member(email="anna@example.org")
    other = make.member()
    assert_problem(
        client.post("/api/v1/members", json={"name": "A", "email": "ANNA@example.org"}, headers=headers), 409
    )
    assert_problem(client.patch(f"/api/v1/members/{other}", json={"email": "anna@example.org"}, headers=headers), 409)


def test_members_change_their_contact_details_but_not_the_coordinators_fields(
    client: FlaskClient, make: Factory
) -> None:
    member, headers = make.person(Role.MEMBER)
    changed = client.patch(
        f"/api/v1/members/{member}", json={"phone": "06 1234 5678", "availability": ["tue_evening", "mon_morning"]},
        headers=headers,
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.json["phone"] == "06 1234 5678"
    assert changed.json["availability"] == ["mon_morning", "tue_evening"]  # week order

    refused = client.patch(
        f"/api/v1/members/{member}", json={"notes": "Slechthorend", "kind": "organisation"}, headers=headers
    )
    assert error_fields(assert_problem(refused, 422, "invalid_input")) == {"notes", "kind"}


def test_blank_optional_text_is_stored_as_nothing(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member(phone="030 123 4567")
    response = client.patch(
        f"/api/v1/members/{member}", json={"phone": "   ", "email": "  ", "notes": ""}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert (response.json["phone"], response.json["email"], response.json["notes"]) == (None, None, None)


def test_a_buurt_must_be_one_of_the_cooperatives(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    response = client.post("/api/v1/members", json={"name": "B", "buurt_code": "BU99999999"}, headers=headers)
    assert error_fields(assert_problem(response, 422)) == {"buurt_code"}


def test_ending_a_membership_dates_it(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    member = make.member(joined_on=date(2025, 3, 1))
    too_early = client.patch(
        f"/api/v1/members/{member}", json={"status": "ended", "left_on": "2025-01-01"}, headers=headers
    )
    assert error_fields(assert_problem(too_early, 422)) == {"left_on"}
    ended = client.patch(
        f"/api/v1/members/{member}", json={"status": "ended", "left_on": "2026-01-31"}, headers=headers
    )
    assert (ended.json["status"], ended.json["left_on"]) == ("ended", "2026-01-31")
    resumed = client.patch(f"/api/v1/members/{member}", json={"status": "active"}, headers=headers)
    assert (resumed.json["status"], resumed.json["left_on"]) == ("active", None)


def test_the_list_filters_and_pages(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR, name="Zeger Coördinator")
    make.member(name="Anna Tuin", skills=["garden"], buurt_code="BU03440202")
    make.member(name="Bert Tuin", roles=(Role.VOLUNTEER,))
    make.member(name="Carla", phone="030 999 0000")

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/members?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [m["name"] for m in response.json["items"]]

    assert names("q=tuin") == ["Anna Tuin", "Bert Tuin"]
    assert names("q=999") == ["Carla"]
    assert names("role=volunteer") == ["Bert Tuin"]
    assert names("skill=garden") == ["Anna Tuin"]
    assert names("buurt_code=BU03440202") == ["Anna Tuin"]
    page = client.get("/api/v1/members?page=2&page_size=3", headers=headers).json
    assert (page["total"], page["pages"], page["page"], [m["name"] for m in page["items"]]) == (
        4,
        2,
        2,
        ["Zeger Coördinator"],
    )
    assert_problem(client.get("/api/v1/members?page_size=201", headers=headers), 422)


def test_erased_members_are_left_out_of_the_list_unless_asked_for(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.ADMIN)
    gone = make.member(name="Weg")
    assert client.post(f"/api/v1/members/{gone}/erasure", json={"confirm": True}, headers=headers).status_code == 200
    _, coordinator = make.person(Role.COORDINATOR)
    assert gone not in [m["id"] for m in client.get("/api/v1/members", headers=coordinator).json["items"]]
    listed = client.get("/api/v1/members?include_erased=true", headers=coordinator).json["items"]
    assert [m["erased"] for m in listed if m["id"] == gone] == [True]


def test_me_is_the_member_behind_the_token(client: FlaskClient, make: Factory) -> None:
    member, headers = make.person(Role.VOLUNTEER, name="Vera")
    me = client.get("/api/v1/members/me", headers=headers)
    assert (me.json["id"], me.json["name"], me.json["roles"]) == (member, "Vera", ["member", "volunteer"])
    service = bearer(make.token(None, Role.COORDINATOR))
    assert_problem(client.get("/api/v1/members/me", headers=service), 404, "not_found")


def test_an_administrator_replaces_roles_but_never_removes_the_last_administrator(
    client: FlaskClient, make: Factory
) -> None:
    admin, headers = make.person(Role.ADMIN)
    member = make.member()
    response = client.put(
        f"/api/v1/members/{member}/roles", json={"roles": ["coordinator", "volunteer"]}, headers=headers
    )
    assert response.json["roles"] == ["member", "volunteer", "coordinator"]
    last = client.put(f"/api/v1/members/{admin}/roles", json={"roles": []}, headers=headers)
    assert_problem(last, 409, "conflict")
    client.put(f"/api/v1/members/{member}/roles", json={"roles": ["admin"]}, headers=headers)
    assert client.put(f"/api/v1/members/{admin}/roles", json={"roles": []}, headers=headers).status_code == 200


def test_a_token_stops_working_when_its_role_is_taken_away(client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    _, admin = make.person(Role.ADMIN)
    assert client.get("/api/v1/members/me", headers=headers).status_code == 200
    client.put(f"/api/v1/members/{volunteer}/roles", json={"roles": []}, headers=admin)
    assert_problem(client.get("/api/v1/members/me", headers=headers), 401, "not_authenticated")


def test_changing_ones_own_password(app: Flask, client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.MEMBER, email="anna@example.org", password=PASSWORD)
    wrong = client.put(
        "/api/v1/members/me/password", json={"current_password": "not it", "new_password": "x" * 12}, headers=headers
    )
    assert error_fields(assert_problem(wrong, 422)) == {"current_password"}
    weak = client.put(
        "/api/v1/members/me/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=headers
    )
    assert error_fields(assert_problem(weak, 422)) == {"password"}
    new = "a much longer pass phrase"
    done = client.put(
        "/api/v1/members/me/password", json={"current_password": PASSWORD, "new_password": new}, headers=headers
    )
    assert done.status_code == 204
    with app.app_context():
        assert login("anna@example.org", new, "test").outcome == LoginOutcome.OK
        assert login("anna@example.org", PASSWORD, "test").outcome == LoginOutcome.WRONG


def test_an_administrator_gives_a_member_a_login(app: Flask, client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.ADMIN)
    member = make.member(email="bert@example.org")
    no_email = make.member()
    client.patch(f"/api/v1/members/{no_email}", json={"email": None}, headers=make.person(Role.COORDINATOR)[1])
    assert (
        client.put(f"/api/v1/members/{member}/password", json={"password": PASSWORD}, headers=headers).status_code
        == 204
    )
    assert client.get(f"/api/v1/members/{member}", headers=headers).json["has_account"] is True
    refused = client.put(f"/api/v1/members/{no_email}/password", json={"password": PASSWORD}, headers=headers)
    assert error_fields(assert_problem(refused, 422)) == {"email"}
    with app.app_context():
        assert login("bert@example.org", PASSWORD, "test").outcome == LoginOutcome.OK
