"""The municipality's webhook: each new revision is pushed, signed with HMAC, retried until acknowledged."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from federation.hub.accounts.actor import HubActor
from federation.hub.extensions import db
from federation.hub.municipal.models import DeliveryStatus, WebhookDelivery
from federation.hub.municipal.webhooks import deliver_due, set_webhook
from federation.hub.signing import hub_signer
from federation.protocol.detached import verify_detached
from tests.federation.hub.accounts.people import csrf_token, logged_in_client
from tests.federation.hub.dashboards.conftest import NOW, HubData
from tests.federation.hub.municipal.conftest import make

SECRET = "a-secret-agreed-with-utrecht"


@dataclass
class Receiver:
    """A municipality's system on 127.0.0.1: answers 503 to the first request, then 204."""

    statuses: list[int]
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver([503, 204])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            self.send_response(state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/wijknet"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_new_report_is_pushed_and_retried_until_acknowledged(city: HubData, receiver: Receiver) -> None:
    with city.app.app_context():
        set_webhook(HubActor.system("tests"), municipality="GM0344", url=receiver.url, secret=SECRET, now=NOW)
        db.session.commit()
    made = make(city.app)

    with city.app.app_context():
        first = deliver_due(NOW)
        db.session.commit()
        delivery = db.session.scalars(db.select(WebhookDelivery)).one()
        assert (first.tried, first.delivered, delivery.status) == (1, 0, DeliveryStatus.PENDING)
        assert delivery.last_outcome == "HTTP 503" and delivery.next_attempt_at > NOW
        assert deliver_due(NOW).tried == 0  # not before the backoff's wait
        second = deliver_due(delivery.next_attempt_at + timedelta(seconds=1))
        db.session.commit()
        delivery = db.session.scalars(db.select(WebhookDelivery)).one()
        assert (second.delivered, delivery.status, delivery.attempts) == (1, DeliveryStatus.DELIVERED, 2)
        keys = {hub_signer().key.public.kid: hub_signer().key.public}

    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    assert body == made["json"]
    expected = hmac.new(SECRET.encode(), headers["Wijknet-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["Wijknet-Hmac"] == "sha256=" + expected.hexdigest()
    assert verify_detached(headers["Wijknet-Jws"], body, keys) in keys
    assert headers["Wijknet-Report"] == "GM0344/2026-10/1"
    assert receiver.received[0][0]["Wijknet-Delivery"] == headers["Wijknet-Delivery"]  # the same id on a retry


def test_the_admin_sets_a_webhook_and_sees_the_deliveries(city: HubData, receiver: Receiver) -> None:
    client = logged_in_client(city.app, "admin")
    saved = client.post(
        "/reports/webhooks",
        data={
            "municipality": "gm0344",
            "url": receiver.url,
            "secret": "",
            "csrf_token": csrf_token(client, "/reports/webhooks"),
        },
    )
    assert saved.status_code == 302
    make(city.app)
    with city.app.app_context():
        deliver_due(NOW)
        db.session.commit()

    page = client.get("/reports/webhooks").get_data(as_text=True)
    assert receiver.url in page and "GM0344" in page
    assert "wordt opnieuw geprobeerd" in page and "HTTP 503" in page
    bad = client.post(
        "/reports/webhooks",
        data={"municipality": "GM0344", "url": "ftp://x", "csrf_token": csrf_token(client, "/reports/webhooks")},
    )
    assert bad.status_code == 422
