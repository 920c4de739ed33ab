"""Deliveries dropped, delayed and failed on the way to the hub: every month still arrives exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from federation.hub.extensions import db as hub_db
from federation.hub.figures.models import Report
from node.federation.models import OutboxState
from schemas.node.codes import Role
from tests.federation.faults import FaultProxy
from tests.node.factories import Factory
from tests.node.federation.conftest import enroll_node, hub_figures, node_figures, outbox, run_sync
from wijknet.web.database import utcnow


class Clock:
    """The node's clock, moved on by the test instead of waiting for backoff to run out."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def proxy(hub_url: str) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(hub_url)
    yield fault_proxy
    fault_proxy.close()


@pytest.fixture
def node(app: Flask, hub_app: Flask, proxy: FaultProxy, make: Factory) -> Flask:
    """A node enrolled through the proxy, with four months of data, that gives up on the hub after a second."""
    enroll_node(app, hub_app, proxy.url)
    app.extensions["wijknet.settings"].hub_timeout_seconds = 1
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    make.offer(volunteer, ("shopping",))
    for days in (0, 35, 70, 100):
        make.activity(category="social", held_on=(utcnow() - timedelta(days=days)).date(), participants=12)
    return app


def reports_at_hub(hub_app: Flask) -> Counter[tuple[str, int]]:
    with hub_app.app_context():
        rows = hub_db.session.execute(hub_db.select(Report.period, Report.revision)).all()
    return Counter((period, revision) for period, revision in rows)


def states(app: Flask) -> list[OutboxState]:
    return [item["state"] for item in outbox(app)]


def deliver_until_done(app: Flask, clock: Clock, rounds: int = 12) -> None:
    for _ in range(rounds):
        if OutboxState.PENDING not in states(app):
            return
        clock.advance(hours=7)  # beyond the longest backoff
        run_sync(app, clock=clock)
    raise AssertionError(f"still pending after {rounds} rounds: {outbox(app)}")


@pytest.mark.parametrize(
    "faults",
    [
        ["cut"],
        ["500", "500", "500"],
        ["lost"],  # the hub stored it, the receipt never came back
        [("slow", 2.5)],  # the node stopped waiting; the hub stored it anyway
        ["lost", "cut", "500", "lost", ("slow", 2.5)],
    ],
    ids=["hub_unreachable", "server_errors", "answer_lost", "timeout", "all_of_it"],
)
def test_every_month_arrives_exactly_once(node: Flask, hub_app: Flask, proxy: FaultProxy, faults: list[Any]) -> None:
    proxy.faults.extend(faults)
    clock = Clock()
    first = run_sync(node, clock=clock)
    assert first["delivered"] < len(first["revisions"])  # the first fault stopped the run
    pending = [item for item in outbox(node) if item["state"] == OutboxState.PENDING]
    assert pending[0]["attempts"] == 1 and pending[0]["last_error"]
    assert clock.now < pending[0]["next_attempt_at"] <= clock.now + timedelta(minutes=1)
    deliver_until_done(node, clock)
    assert set(states(node)) == {OutboxState.DELIVERED}
    made = {(r["period"], r["revision"]) for r in first["revisions"]}
    assert reports_at_hub(hub_app) == Counter(dict.fromkeys(made, 1))
    assert hub_figures(hub_app) == node_figures(node)


def test_backoff_doubles_and_is_capped(node: Flask, proxy: FaultProxy) -> None:
    proxy.faults.extend(["500"] * 12)
    clock = Clock()
    run_sync(node, clock=clock)
    waits = []
    for _ in range(11):
        item = next(i for i in outbox(node) if i["state"] == OutboxState.PENDING)
        waits.append(item["next_attempt_at"] - clock.now)
        clock.now = item["next_attempt_at"]
        run_sync(node, clock=clock)
    assert waits[0] <= timedelta(minutes=1)
    assert all(timedelta(seconds=30) * 2**i <= wait for i, wait in enumerate(waits[:9]))  # at least half of 2^n min
    assert max(waits) <= timedelta(hours=6)
    assert waits[-1] >= timedelta(hours=3)


def test_retry_after_is_honoured(node: Flask, proxy: FaultProxy) -> None:
    proxy.faults.append(("429", 600))
    clock = Clock()
    run_sync(node, clock=clock)
    item = next(i for i in outbox(node) if i["state"] == OutboxState.PENDING)
    assert item["next_attempt_at"] >= clock.now + timedelta(seconds=600)
    assert "rate_limited" in item["last_error"]


def test_a_later_message_never_overtakes_one_waiting(node: Flask, hub_app: Flask, proxy: FaultProxy) -> None:
    proxy.faults.append("500")
    clock = Clock()
    first = run_sync(node, clock=clock)
    assert first["delivered"] == 0 and first["waiting"] == len(first["revisions"])
    assert reports_at_hub(hub_app) == Counter()
    run_sync(node, clock=clock)  # not due yet: nothing is sent, not even the later ones
    assert reports_at_hub(hub_app) == Counter()


def test_a_person_asking_to_send_now_does_not_wait_out_the_backoff(
    node: Flask, hub_app: Flask, proxy: FaultProxy
) -> None:
    from node.accounts.actor import Actor
    from node.extensions import db
    from node.federation.sync import sync

    proxy.faults.append("500")
    clock = Clock()
    first = run_sync(node, clock=clock)
    assert first["waiting"] == len(first["revisions"])
    with node.app_context():
        again = sync(Actor.system("tests"), clock=clock, now_for_all=True)
        db.session.commit()
    assert again["delivered"] == len(first["revisions"]) and again["waiting"] == 0
