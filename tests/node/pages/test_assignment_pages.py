"""The wijkbedrijf's pages: partners and assignments with hours and revenue, adding an assignment, logging hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from node.extensions import db
from node.work.models import Assignment, TimeLog
from tests.node.pages.front_desk import csrf_token
from tests.node.pages.overview_data import Neighbourhood, hood  # noqa: F401  (fixture)


def test_coordinator_sees_partners_with_hours_and_revenue(hood: Neighbourhood) -> None:  # noqa: F811
    page = hood.client("coordinator").get("/assignments")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Woonstad Testwijk" in html and "Portieken schoonmaken" in html
    assert "3,5" in html  # the hours
    assert "€\xa0120,00" in html and "€\xa0500,00" in html  # invoiced, budget


def test_partner_and_assignment_pages(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    partner = client.get(f"/assignments/partners/{hood.ids['partner']}").get_data(as_text=True)
    assert "Portieken schoonmaken" in partner and "€\xa0120,00" in partner
    assignment = client.get(f"/assignments/{hood.ids['assignment']}").get_data(as_text=True)
    assert "Bram Boodschap" in assignment and "3,5" in assignment  # who logged the hours


@pytest.mark.parametrize("who", ["admin", "volunteer", "resident"])
def test_only_coordinators_open_the_assignments(hood: Neighbourhood, who: str) -> None:  # noqa: F811
    client = hood.client(who)
    for path in ("/assignments", f"/assignments/{hood.ids['assignment']}", "/assignments/new"):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_log_in(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client(None).get("/assignments/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def assignment_form(where: Neighbourhood, **changes: str) -> dict[str, str]:
    return {
        "partner_id": str(where.ids["partner"]),
        "title": "Groen bij de flat",
        "category": "garden",
        "buurt_code": "BU03440202",
        "paid": "y",
        "budget_eur": "750",
        "starts_on": "2026-02-01",
        **changes,
    }


def test_adding_an_assignment(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    data = {**assignment_form(hood), "csrf_token": csrf_token(client, "/assignments/new")}
    response = client.post("/assignments/new", data=data)
    assert response.status_code == 302
    made = hood.make.query(lambda: db.session.scalar(db.select(Assignment).filter_by(title="Groen bij de flat")))
    assert made is not None and made.category == "garden" and made.buurt_code == "BU03440202"


def test_an_assignment_ending_before_it_starts_keeps_the_input(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    data = {**assignment_form(hood, ends_on="2026-01-01"), "csrf_token": csrf_token(client, "/assignments/new")}
    response = client.post("/assignments/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Groen bij de flat"' in html and 'value="2026-01-01"' in html
    assert "einddatum" in html  # said next to the field
    assert (
        hood.make.query(lambda: db.session.scalar(db.select(Assignment).filter_by(title="Groen bij de flat"))) is None
    )


def test_an_assignment_without_a_title_is_refused_kindly(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    data = {**assignment_form(hood, title=""), "csrf_token": csrf_token(client, "/assignments/new")}
    response = client.post("/assignments/new", data=data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)


def hours_form(where: Neighbourhood, client: FlaskClient, **changes: str) -> dict[str, str]:
    path = f"/assignments/{where.ids['assignment']}"
    return {
        "member_id": str(where.ids["anna"]),
        "worked_on": date.today().isoformat(),
        "hours": "1,5",
        "paid": "y",
        "note": "Trappenhuis B",
        "csrf_token": csrf_token(client, path),
        **changes,
    }


def test_logging_hours_on_an_assignment(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    response = client.post(f"/assignments/{hood.ids['assignment']}/hours", data=hours_form(hood, client))
    assert response.status_code == 302
    logged = hood.make.query(
        lambda: [
            (t.member_id, str(t.hours)) for t in db.session.scalars(db.select(TimeLog).filter_by(note="Trappenhuis B"))
        ]
    )
    assert logged == [(hood.ids["anna"], "1.50")]


@pytest.mark.parametrize(
    ("changes", "says"),
    [({"hours": "30"}, "field-error"), ({"worked_on": (date.today() + timedelta(days=7)).isoformat()}, "toekomst")],
)
def test_bad_hours_are_refused_and_the_input_kept(hood: Neighbourhood, changes: dict[str, str], says: str) -> None:  # noqa: F811
    client = hood.client("coordinator")
    response = client.post(f"/assignments/{hood.ids['assignment']}/hours", data=hours_form(hood, client, **changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert says in html and 'value="Trappenhuis B"' in html


def test_starting_a_planned_assignment(hood: Neighbourhood) -> None:  # noqa: F811
    planned = hood.make.assignment(hood.ids["partner"], title="Later werk")
    client = hood.client("coordinator")
    data = {"status": "active", "csrf_token": csrf_token(client, f"/assignments/{planned}")}
    assert client.post(f"/assignments/{planned}/status", data=data).status_code == 302
    assert hood.make.query(lambda: db.session.get(Assignment, planned).status) == "active"


def test_adding_a_partner_with_a_taken_name_keeps_the_input(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    data = {
        "name": "Woonstad Testwijk",
        "kind": "municipality",
        "csrf_token": csrf_token(client, "/assignments/partners/new"),
    }
    response = client.post("/assignments/partners/new", data=data)
    assert response.status_code == 409
    assert 'value="Woonstad Testwijk"' in response.get_data(as_text=True)
    fresh = {**data, "name": "Gemeente Testwijk"}
    assert client.post("/assignments/partners/new", data=fresh).status_code == 302
