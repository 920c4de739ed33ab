"""Activities as pages: participants as a count, organisers' names only for those who may see them."""

from __future__ import annotations

import pytest

from node.activities.models import Activity
from node.extensions import db
from tests.node.pages.front_desk import csrf_token
from tests.node.pages.overview_data import Neighbourhood, hood  # noqa: F401  (fixture)


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_staff_see_activities_with_their_participants(hood: Neighbourhood, who: str) -> None:  # noqa: F811
    html = hood.client(who).get("/activities").get_data(as_text=True)
    assert "Repair café Noord" in html and '<td class="num">23</td>' in html


def test_the_organiser_is_named_to_a_coordinator_only(hood: Neighbourhood) -> None:  # noqa: F811
    path = f"/activities/{hood.ids['activity']}"
    assert "Anna Tuinier" in hood.client("coordinator").get(path).get_data(as_text=True)
    resident = hood.client("resident").get(path)
    assert resident.status_code == 200 and "Anna Tuinier" not in resident.get_data(as_text=True)


def test_residents_see_activities_but_cannot_add_or_change_them(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("resident")
    assert "Repair café Noord" in client.get("/activities").get_data(as_text=True)
    assert client.get("/activities/new").status_code == 403
    token = csrf_token(client, "/login")
    changed = client.post(
        f"/activities/{hood.ids['activity']}/participants", data={"participants": "99", "csrf_token": token}
    )
    assert changed.status_code == 403
    assert hood.make.query(lambda: db.session.get(Activity, hood.ids["activity"]).participants) == 23


def test_anonymous_visitors_are_sent_to_log_in(hood: Neighbourhood) -> None:  # noqa: F811
    response = hood.client(None).get("/activities")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def activity_form(**changes: str) -> dict[str, str]:
    return {
        "title": "Buurtmaaltijd",
        "category": "social",
        "held_on": "2026-03-20",
        "buurt_code": "BU03440203",
        "location": "Buurthuis",
        "participants": "31",
        "organiser_id": "0",
        **changes,
    }


def test_adding_an_activity(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    response = client.post(
        "/activities/new", data={**activity_form(), "csrf_token": csrf_token(client, "/activities/new")}
    )
    assert response.status_code == 302
    made = hood.make.query(lambda: db.session.scalar(db.select(Activity).filter_by(title="Buurtmaaltijd")))
    assert made.participants == 31 and made.buurt_code == "BU03440203" and made.organiser_id is None


def test_a_negative_number_of_participants_is_refused_and_the_input_kept(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    data = {**activity_form(participants="-4"), "csrf_token": csrf_token(client, "/activities/new")}
    response = client.post("/activities/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Buurtmaaltijd"' in html and 'value="Buurthuis"' in html and 'class="field-error"' in html
    assert hood.make.query(lambda: db.session.scalar(db.select(Activity).filter_by(title="Buurtmaaltijd"))) is None


def test_recording_participants_afterwards(hood: Neighbourhood) -> None:  # noqa: F811
    client = hood.client("coordinator")
    path = f"/activities/{hood.ids['activity']}"
    bad = client.post(f"{path}/participants", data={"participants": "veel", "csrf_token": csrf_token(client, path)})
    assert bad.status_code == 400 and 'value="veel"' in bad.get_data(as_text=True)
    good = client.post(f"{path}/participants", data={"participants": "27", "csrf_token": csrf_token(client, path)})
    assert good.status_code == 302
    assert hood.make.query(lambda: db.session.get(Activity, hood.ids["activity"]).participants) == 27
