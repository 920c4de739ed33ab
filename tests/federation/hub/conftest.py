"""Fixtures for the hub: an app per test on SQLite and PostgreSQL, served for real on 127.0.0.1, and nodes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from federation.hub.app import create_app
from federation.hub.extensions import db
from federation.hub.registry.services import invite
from federation.hub.tenders.models import Lot, Tender
from federation.protocol import envelopes
from federation.protocol.codelists import ALL_CATEGORIES
from federation.protocol.keys import SigningKey
from federation.protocol.messages import REPORT, format_timestamp
from federation.protocol.periods import period_end
from wijknet.web.database import utcnow

HUB_SETTINGS = {
    "testing": True,
    "scheduler": False,
    "secure_cookies": False,
    "hub_id": "samen030",
    "name": "Stadscoöperatie (test)",
    "min_count": 5,
    "rate_limit_per_minute": 10_000,
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    return request.getfixturevalue("hub_postgres_server")


@pytest.fixture
def hub_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    """Override in a test module to change the hub's configuration."""
    return {}


@pytest.fixture
def hub_app(
    tmp_path: Path, hub_database_url: str, hub_key: SigningKey, hub_settings: dict[str, Any]
) -> Iterator[Flask]:
    instance = tmp_path / "hub"
    instance.mkdir()
    app = create_app(instance, {**HUB_SETTINGS, "database_url": hub_database_url, **hub_settings}, signing_key=hub_key)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:  # DELETE beats TRUNCATE on a few rows
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def hub_url(hub_app: Flask) -> Iterator[str]:
    """The hub served for real on 127.0.0.1 (a thread of this process), so tests send real HTTP."""
    server = make_server("127.0.0.1", 0, hub_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@dataclass
class FakeNode:
    """A node as the spec describes it, built from the protocol core alone: it signs and sends."""

    hub_url: str
    node_id: str
    key: SigningKey = field(default_factory=SigningKey.generate)
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, endpoint: str, envelope: envelopes.Envelope) -> requests.Response:
        return self.session.post(
            f"{self.hub_url}/api/v1/federation/{endpoint}",
            data=envelope.body.encode("ascii"),
            headers={"Content-Type": envelope.media_type},
            timeout=10,
        )

    def enroll(
        self, token: str, *, name: str = "Buurtcoöperatie (test)", now: datetime | None = None
    ) -> requests.Response:
        envelope = envelopes.enrollment(
            self.key,
            node_id=self.node_id,
            token=token,
            name=name,
            software="wijknet tests",
            issued_at=now or utcnow(),
        )
        return self.post("enrollments", envelope)

    def report_payload(
        self,
        period: str = "2026-10",
        revision: int = 1,
        figures: list[dict[str, Any]] | None = None,
        *,
        issued_at: datetime | None = None,
        min_count: int = 5,
        **changes: Any,
    ) -> dict[str, Any]:
        issued_at = issued_at or max(period_end(period) + timedelta(hours=2), utcnow() - timedelta(minutes=1))
        issued_at = min(issued_at, utcnow())
        payload = {
            "schema": REPORT.schema,
            "report_id": str(uuid.uuid4()),
            "node_id": self.node_id,
            "period": period,
            "revision": revision,
            "complete": issued_at >= period_end(period),
            "issued_at": format_timestamp(issued_at),
            "disclosure": {"min_count": min_count, "method": "suppress"},
            "figures": figures if figures is not None else default_figures(),
        }
        payload.update(changes)
        return payload

    def send_report(self, payload: dict[str, Any], key: SigningKey | None = None) -> requests.Response:
        return self.post("reports", envelopes.report(key or self.key, payload))


def default_figures(area: str = "WK034402") -> list[dict[str, Any]]:
    return [
        {"area": area, "category": ALL_CATEGORIES, "metric": "requests_new", "value": 40},
        {"area": area, "category": "shopping", "metric": "requests_new", "value": 12},
        {"area": area, "category": "garden", "metric": "requests_new", "value": None, "suppressed": True},
        {"area": area, "category": "social", "metric": "requests_new", "value": None, "suppressed": True},
        {"area": area, "category": "practical", "metric": "requests_new", "value": 20},
        {"area": area, "category": ALL_CATEGORIES, "metric": "volunteer_hours", "value": 131.5},
        {"area": area, "category": ALL_CATEGORIES, "metric": "volunteers_active", "value": 9},
    ]


def make_invitation(app: Flask, node_id: str, areas: tuple[str, ...] = ("WK034402",), **kwargs: Any) -> str:
    with app.app_context():
        made = invite(
            "tests",
            node_id=node_id,
            name=kwargs.get("name", f"Buurtcoöperatie {node_id}"),
            municipality=kwargs.get("municipality", "GM0344"),
            areas=list(areas),
            now=kwargs.get("now", utcnow()),
            valid_days=kwargs.get("valid_days", 7),
        )
        db.session.commit()
        return made.token


@pytest.fixture
def node(hub_app: Flask, hub_url: str) -> FakeNode:
    """An enrolled node for the wijk WK034402."""
    fake = FakeNode(hub_url, "noordwest")
    response = fake.enroll(make_invitation(hub_app, "noordwest"))
    assert response.status_code == 201, response.text
    return fake


def make_tender(app: Flask, *, deadline: datetime | None = None, status: str = "open") -> None:
    """The spec's example tender with one lot, for WK034402."""
    with app.app_context():
        tender = Tender(
            tender_id="smk-2027",
            title="Sociaal makelaarschap 2027–2032",
            municipality="GM0344",
            status=status,
            deadline=deadline or utcnow() + timedelta(days=50),
            period_start="2027-03",
            period_end="2033-02",
        )
        tender.lots = [
            Lot(
                lot_id="noordwest",
                title="Noordwest",
                areas=["WK034402"],
                categories=["information", "social", "light_care"],
                required_hours_per_month=320,
            )
        ]
        db.session.add(tender)
        db.session.commit()
