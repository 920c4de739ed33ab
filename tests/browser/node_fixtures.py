"""Browser fixtures for the node's pages: a node served for real on 127.0.0.1, with a person for each role.

How to use, in a test module under tests/browser/:

    from tests.browser.node_fixtures import (
        LiveNode,
        live_node,  # noqa: F401  (fixture)
    )

    def test_something(live_node: LiveNode, page: Page) -> None:  # noqa: F811
        live_node.log_in(page, "coordinator")
        page.goto(f"{live_node.url}/...")

Import the fixture into the test module as above: pytest only reads
`pytest_plugins` from the top-level conftest, so a fixture module of our own
is imported where it is used. `live_node` needs nothing but `tmp_path`, so that
one import is enough. `browser`, `page` and `phone_page` (desktop 1280 and
phone 390) come from tests/browser/conftest.py as for the hub.

The node runs on SQLite in the test's folder with fast password hashing.
People who can log in, by role (`PEOPLE`): "admin", "coordinator",
"volunteer" and "resident", each with the password `PASSWORD`; their member
ids are in `live_node.members`. A few more members without a login (`RESIDENTS`)
stand for people who came in by phone. Add more data with `live_node.make`
(tests/node/factories.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from node.app import create_app
from node.extensions import db
from schemas.node.codes import Role
from tests.node.conftest import TEST_AREAS, TEST_SETTINGS
from tests.node.factories import Factory
from wijknet.web.config import write_instance_file

PASSWORD = "wijknet-test-wachtwoord"
# Who can log in, by the name tests use: (name, e-mail address, roles beyond member).
PEOPLE: dict[str, tuple[str, str, tuple[Role, ...]]] = {
    "admin": ("Bea Beheer", "beheer@example.org", (Role.ADMIN,)),
    "coordinator": ("Karim Coördinator", "coordinator@example.org", (Role.COORDINATOR,)),
    "volunteer": ("Vera Vrijwilliger", "vrijwilliger@example.org", (Role.VOLUNTEER,)),
    "resident": ("Ria Bewoner", "bewoner@example.org", ()),
}
# Members without a login, in the test buurten: (name, buurt code).
RESIDENTS = (
    ("Jan de Vries", "BU03440201"),
    ("Fatima El Amrani", "BU03440202"),
    ("Henk Jansen", "BU03440203"),
)


@dataclass
class LiveNode:
    app: Flask
    url: str
    make: Factory
    members: dict[str, int] = field(default_factory=dict)  # by the names in PEOPLE and RESIDENTS

    def log_in(self, page: Page, who: str = "coordinator") -> None:
        """Log in through the login form, as a person does; lands on the start page."""
        page.goto(f"{self.url}/login")
        page.fill("#email", PEOPLE[who][1])
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{self.url}/")


@pytest.fixture
def live_node(tmp_path: Path) -> Iterator[LiveNode]:
    """A node on 127.0.0.1 (a thread of this process) with its members and a person for each role."""
    instance = tmp_path / "node-instance"
    instance.mkdir()
    write_instance_file(instance / "node.toml", TEST_AREAS)
    app = create_app(instance, {**TEST_SETTINGS, "database_url": f"sqlite:///{tmp_path / 'node.sqlite3'}"})
    with app.app_context():
        db.create_all()
    make = Factory(app)
    members = {
        who: make.member(name=name, email=email, roles=roles, password=PASSWORD)
        for who, (name, email, roles) in PEOPLE.items()
    }
    members.update({name: make.member(name=name, buurt_code=buurt) for name, buurt in RESIDENTS})

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield LiveNode(app, f"http://127.0.0.1:{server.server_port}", make, members)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
