"""Hours (`/api/v1/time-logs`), partners, assignments and invoices (the wijkbedrijf's work)."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient

from schemas.node.codes import MatchStatus, Role
from tests.node.api.conftest import assert_problem, error_fields
from tests.node.factories import Factory

TODAY = date.today()


def log(client: FlaskClient, headers: dict[str, str], **body: object) -> object:
    return client.post(
        "/api/v1/time-logs", json={"worked_on": TODAY.isoformat(), "hours": "2", **body}, headers=headers
    )


def test_a_volunteer_logs_unpaid_hours_on_their_accepted_match(client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    accepted = make.match(make.help_request(make.member()), volunteer, MatchStatus.ACCEPTED)
    response = log(client, headers, match_id=accepted, hours="1.75", note="Boodschappen gedaan")
    assert response.status_code == 201, response.json
    assert (response.json["member_id"], response.json["hours"], response.json["paid"]) == (volunteer, "1.75", False)
    proposed = make.match(make.help_request(make.member()), volunteer)
    assert error_fields(assert_problem(log(client, headers, match_id=proposed), 422)) == {"match_id"}
    someone_elses = make.match(
        make.help_request(make.member()), make.member(roles=(Role.VOLUNTEER,)), MatchStatus.ACCEPTED
    )
    assert error_fields(assert_problem(log(client, headers, match_id=someone_elses), 422)) == {"match_id"}


def test_hours_belong_to_a_match_or_an_assignment(client: FlaskClient, make: Factory) -> None:
    worker, _ = make.person(Role.VOLUNTEER)
    _, coordinator = make.person(Role.COORDINATOR)
    accepted = make.match(make.help_request(make.member()), worker, MatchStatus.ACCEPTED)
    assignment = make.assignment(status="active")
    both = log(client, coordinator, member_id=worker, match_id=accepted, assignment_id=assignment)
    assert error_fields(assert_problem(both, 422)) == {"match_id", "assignment_id"}
    neither = log(client, coordinator, member_id=worker)
    assert error_fields(assert_problem(neither, 422)) == {"match_id", "assignment_id"}
    future = log(
        client, coordinator, member_id=worker, match_id=accepted, worked_on=(TODAY + timedelta(days=3)).isoformat()
    )
    assert error_fields(assert_problem(future, 422)) == {"worked_on"}
    too_many = log(client, coordinator, member_id=worker, match_id=accepted, hours="24.01")
    assert error_fields(assert_problem(too_many, 422)) == {"hours"}


def test_paid_hours_on_an_assignment_are_logged_by_a_coordinator(client: FlaskClient, make: Factory) -> None:
    worker, worker_headers = make.person(Role.VOLUNTEER)
    _, coordinator = make.person(Role.COORDINATOR)
    active = make.assignment(status="active")
    planned = make.assignment()
    assert_problem(log(client, worker_headers, assignment_id=active), 403, "forbidden")
    paid = log(client, coordinator, member_id=worker, assignment_id=active, hours="3.5", paid=True)
    assert paid.status_code == 201 and paid.json["paid"] is True
    assert error_fields(assert_problem(log(client, coordinator, member_id=worker, assignment_id=planned), 422)) == {
        "assignment_id"
    }
    totals = client.get(f"/api/v1/assignments/{active}", headers=coordinator).json
    assert (totals["hours"], totals["paid_hours"]) == ("3.50", "3.50")


def test_a_volunteer_changes_only_the_hours_they_logged_themself(client: FlaskClient, make: Factory) -> None:
    volunteer, headers = make.person(Role.VOLUNTEER)
    accepted = make.match(make.help_request(make.member()), volunteer, MatchStatus.ACCEPTED)
    own = make.time_log(volunteer, match_id=accepted, by=volunteer)
    by_coordinator = make.time_log(volunteer, match_id=accepted)
    assert client.patch(f"/api/v1/time-logs/{own}", json={"hours": "0.5"}, headers=headers).json["hours"] == "0.50"
    assert_problem(client.patch(f"/api/v1/time-logs/{by_coordinator}", json={"hours": "9"}, headers=headers), 403)
    assert_problem(client.delete(f"/api/v1/time-logs/{by_coordinator}", headers=headers), 403)
    assert client.delete(f"/api/v1/time-logs/{own}", headers=headers).status_code == 204
    assert_problem(client.get(f"/api/v1/time-logs/{own}", headers=headers), 404)


def test_the_hours_list_filters(client: FlaskClient, make: Factory) -> None:
    _, coordinator = make.person(Role.COORDINATOR)
    anna, bert = make.member(roles=(Role.VOLUNTEER,)), make.member(roles=(Role.VOLUNTEER,))
    accepted = make.match(make.help_request(make.member()), anna, MatchStatus.ACCEPTED)
    assignment = make.assignment(status="active")
    january = make.time_log(anna, match_id=accepted, worked_on=date(2026, 1, 15))
    february = make.time_log(bert, assignment_id=assignment, worked_on=date(2026, 2, 15), paid=True)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/time-logs?{query}", headers=coordinator)
        assert response.status_code == 200, response.json
        return [t["id"] for t in response.json["items"]]

    assert ids("") == [february, january]
    assert ids("paid=true") == [february]
    assert ids(f"member_id={anna}") == [january]
    assert ids(f"match_id={accepted}") == [january]
    assert ids(f"assignment_id={assignment}") == [february]
    assert ids("worked_from=2026-02-01&worked_until=2026-02-28") == [february]


def test_partners_have_unique_names(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    created = client.post("/api/v1/partners", json={"name": "Portaal", "kind": "housing_corporation"}, headers=headers)
    assert created.status_code == 201
    assert_problem(client.post("/api/v1/partners", json={"name": "PORTAAL", "kind": "company"}, headers=headers), 409)
    other = client.post("/api/v1/partners", json={"name": "Gemeente", "kind": "municipality"}, headers=headers).json
    assert_problem(client.patch(f"/api/v1/partners/{other['id']}", json={"name": "portaal"}, headers=headers), 409)
    renamed = client.patch(f"/api/v1/partners/{other['id']}", json={"name": "Gemeente Utrecht"}, headers=headers)
    assert renamed.json["name"] == "Gemeente Utrecht"
    assert [p["name"] for p in client.get("/api/v1/partners", headers=headers).json] == ["Gemeente Utrecht", "Portaal"]


def test_an_assignment_runs_planned_active_done_and_sums_its_hours_and_revenue(
    client: FlaskClient, make: Factory
) -> None:
    _, headers = make.person(Role.COORDINATOR)
    worker = make.member(roles=(Role.VOLUNTEER,))
    partner = make.partner("Mitros")
    body = {"partner_id": partner, "title": "Groenonderhoud", "category": "garden", "starts_on": "2026-01-05",
            "budget_eur": "5000.00", "paid": True}  # fmt: skip
    assignment = client.post("/api/v1/assignments", json=body, headers=headers).json
    assert (assignment["status"], assignment["partner"]["name"], assignment["hours"]) == ("planned", "Mitros", "0.00")
    path = f"/api/v1/assignments/{assignment['id']}"
    invoice = {"invoiced_on": "2026-02-01", "amount_eur": "1200.50"}
    assert_problem(client.post(f"{path}/invoices", json=invoice, headers=headers), 409, "invalid_transition")

    assert client.patch(path, json={"status": "active"}, headers=headers).json["status"] == "active"
    assert client.post(f"{path}/invoices", json=invoice, headers=headers).status_code == 201
    client.post(f"{path}/invoices", json={"invoiced_on": "2026-03-01", "amount_eur": "300"}, headers=headers)
    make.time_log(worker, assignment_id=assignment["id"], hours="4", paid=True)
    make.time_log(worker, assignment_id=assignment["id"], hours="1.25", paid=False)

    done = client.patch(path, json={"status": "done"}, headers=headers).json
    assert done["status"] == "done" and done["ends_on"] is not None
    assert (done["hours"], done["paid_hours"], done["revenue_invoiced_eur"]) == ("5.25", "4.00", "1500.50")
    assert [i["amount_eur"] for i in client.get(f"{path}/invoices", headers=headers).json] == ["1200.50", "300.00"]
    assert_problem(client.patch(path, json={"status": "active"}, headers=headers), 409, "invalid_transition")


def test_an_assignment_cannot_end_before_it_starts(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    body = {"partner_id": make.partner(), "title": "Klus", "category": "practical", "starts_on": "2026-03-01",
            "ends_on": "2026-02-01"}  # fmt: skip
    assert error_fields(assert_problem(client.post("/api/v1/assignments", json=body, headers=headers), 422)) == {
        "ends_on"
    }
    unknown = {**body, "ends_on": None, "partner_id": 2**31 - 1}
    assert error_fields(assert_problem(client.post("/api/v1/assignments", json=unknown, headers=headers), 422)) == {
        "partner_id"
    }


def test_the_assignment_list_filters(client: FlaskClient, make: Factory) -> None:
    _, headers = make.person(Role.COORDINATOR)
    partner = make.partner()
    garden = make.assignment(partner, category="garden", status="active")
    other = make.assignment()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/assignments?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return sorted(a["id"] for a in response.json["items"])

    assert ids("") == sorted([garden, other])
    assert ids(f"partner_id={partner}") == [garden]
    assert ids("status=planned") == [other]
    assert ids("category=garden") == [garden]
