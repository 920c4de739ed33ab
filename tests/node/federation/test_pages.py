"""The federation status page for the node's administrator."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from schemas.node.codes import Role
from tests.node.factories import Factory
from tests.node.federation.conftest import run_sync

PASSWORD = "a long enough pass phrase"


def logged_in(app: Flask, make: Factory, role: Role) -> FlaskClient:
    client = app.test_client()
    make.member(roles=(role,), email=f"{role}@example.org", password=PASSWORD)
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = client.post("/login", data={"email": f"{role}@example.org", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    return client


def csrf(page_html: str) -> str:
    return page_html.split('name="csrf_token" value="')[1].split('"')[0]


def test_anonymous_is_sent_to_log_in_and_others_may_not(app: Flask, make: Factory) -> None:
    assert app.test_client().get("/admin/federation").status_code == 302
    coordinator = logged_in(app, make, Role.COORDINATOR)
    refused = coordinator.get("/admin/federation")
    assert refused.status_code == 403
    assert "Traceback" not in refused.get_data(as_text=True)


def test_before_enrollment_the_page_says_what_to_do(app: Flask, make: Factory) -> None:
    page = logged_in(app, make, Role.ADMIN).get("/admin/federation").get_data(as_text=True)
    assert "nog niet aangesloten bij een hub" in page
    assert "wijknet node enroll" in page


def test_deliveries_failures_and_sending_again(
    app: Flask, hub_app: Flask, make: Factory, enrolled: dict[str, Any]
) -> None:
    from federation.hub.extensions import db as hub_db
    from federation.hub.registry.services import reinstate, suspend
    from wijknet.web.database import utcnow

    admin = logged_in(app, make, Role.ADMIN)
    with hub_app.app_context():
        suspend("tests", "noordwest", utcnow())
        hub_db.session.commit()
    page = admin.get("/admin/federation").get_data(as_text=True)
    answer = admin.post("/admin/federation/sync", data={"csrf_token": csrf(page)})
    assert answer.status_code == 302
    page = admin.get("/admin/federation").get_data(as_text=True)
    assert "geweigerd door de hub" in page and "node_suspended" in page
    with hub_app.app_context():
        reinstate("tests", "noordwest")
        hub_db.session.commit()
    retry_url = page.split('action="/admin/federation/outbox/')[1].split('"')[0]
    assert admin.post(f"/admin/federation/outbox/{retry_url}", data={"csrf_token": csrf(page)}).status_code == 302
    run_sync(app)
    page = admin.get("/admin/federation").get_data(as_text=True)
    assert "Laatste levering" in page and "ondertekend door samen030" in page
    assert "Geweigerd door de hub" not in page  # nothing is refused any more


def test_a_post_without_the_csrf_token_is_refused(app: Flask, make: Factory, enrolled: dict[str, Any]) -> None:
    admin = logged_in(app, make, Role.ADMIN)
    assert admin.post("/admin/federation/sync").status_code == 400


def test_the_page_speaks_english_on_request(app: Flask, make: Factory) -> None:
    admin = logged_in(app, make, Role.ADMIN)
    admin.get("/language/en?next=/admin/federation")
    page = admin.get("/admin/federation").get_data(as_text=True)
    assert "Reporting to the city" in page and 'lang="en"' in page
