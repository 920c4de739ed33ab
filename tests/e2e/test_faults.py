"""Deliveries failed, cut, lost and delayed between real processes, the hub stopped and a node killed halfway.

The node reaches the hub through the fault proxy of `tests.federation.faults`,
which breaks the requests it is told to. Whatever happens, every month the
node made arrives at the hub exactly once, with the receipt the node keeps.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator

import pytest

from tests.e2e.conftest import HUB_TIMEOUT_SECONDS, Hub, Node, Servers, start_wijknet
from tests.federation.faults import FaultProxy

WAIT_SECONDS = 60
REPORTS = 4  # the example data spans this month and the three before it
PATIENT_SECONDS = 30


@pytest.fixture
def proxy(hub: Hub) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(hub.url)
    yield fault_proxy
    fault_proxy.close()


@pytest.fixture
def node(proxy: FaultProxy, enrolled_node: Callable[..., Node]) -> Node:
    """A node enrolled at the hub through the proxy, with its months not yet reported."""
    return enrolled_node("noordwest", "WK034402", proxy.url)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.02)


def reports_sent(proxy: FaultProxy) -> int:
    return sum(1 for path, _, _ in proxy.seen if path.endswith("/reports"))


def assert_every_month_exactly_once(hub: Hub, node: Node) -> None:
    outbox = [item for item in node.outbox() if item["kind"] == "report"]
    assert len(outbox) == REPORTS
    assert {item["state"] for item in outbox} == {"delivered"}
    counts = hub.reports_per_month()
    assert counts == node.reports_made()
    assert set(counts.values()) == {1}
    receipts = {report["report_id"]: report["receipt"] for report in hub.reports()}
    assert {item["subject_id"]: item["receipt"] for item in outbox} == receipts  # a retry got the same receipt
    assert hub.figures() == node.published()


def sync_until_delivered(node: Node, rounds: int = 8) -> list[dict[str, object]]:
    """Sync again and again, the backoff skipped each time, until nothing waits; the summaries."""
    summaries = []
    for _ in range(rounds):
        node.move_clock_past_backoff()
        summaries.append(node.sync())
        if not summaries[-1]["waiting"]:
            return summaries
    raise AssertionError(f"still waiting after {rounds} syncs: {summaries}")


def test_failed_lost_and_late_answers(hub: Hub, node: Node, proxy: FaultProxy) -> None:
    proxy.faults.extend(["500", "lost", ("slow", HUB_TIMEOUT_SECONDS + 2)])
    first = node.sync()
    assert (first["delivered"], first["waiting"], first["failed"]) == (0, REPORTS, 0)
    assert "500" in first["errors"][0]
    later = sync_until_delivered(node)
    assert len(later) == 3  # the lost answer and the late one each cost a round
    assert [fault for _, fault, _ in proxy.seen if fault] == ["500", "lost", "slow"]
    assert_every_month_exactly_once(hub, node)


def test_the_hub_stopped_while_a_node_syncs(servers: Servers, hub: Hub, node: Node, proxy: FaultProxy) -> None:
    proxy.faults.extend(["", ("slow", HUB_TIMEOUT_SECONDS + 8)])  # the second report's answer is held back
    syncing = start_wijknet("node", "sync", "--instance", str(node.instance))
    try:
        wait_until(lambda: reports_sent(proxy) == 2, "the second report to reach the hub")
        assert hub.server is not None
        servers.stop(hub.server)
        stdout, _ = syncing.communicate(timeout=WAIT_SECONDS)
    finally:
        if syncing.poll() is None:
            syncing.kill()
            syncing.communicate()
    first = json.loads(stdout.strip().splitlines()[-1])
    assert (first["delivered"], first["waiting"]) == (1, REPORTS - 1)
    assert len(hub.reports()) == 2  # the second arrived and was stored before the hub went down

    node.move_clock_past_backoff()
    while_down = node.sync()
    assert (while_down["delivered"], while_down["waiting"]) == (0, REPORTS - 1)
    assert [item["state"] for item in node.outbox()].count("pending") == REPORTS - 1

    hub.server = servers.start("hub", hub.instance, hub.port)
    [back] = sync_until_delivered(node)
    assert (back["delivered"], back["failed"]) == (REPORTS - 1, 0)  # the second again: a duplicate, same receipt
    assert_every_month_exactly_once(hub, node)


def test_a_node_killed_in_the_middle_of_a_sync(hub: Hub, node: Node, proxy: FaultProxy) -> None:
    proxy.faults.extend(["", "", ("slow", PATIENT_SECONDS)])  # the third reaches the hub; its answer is held back
    # A patient node, so that the kill surely lands while it waits for that answer.
    patient = {"WIJKNET_HUB_TIMEOUT_SECONDS": str(PATIENT_SECONDS)}
    syncing = start_wijknet("node", "sync", "--instance", str(node.instance), settings=patient)
    try:
        wait_until(lambda: reports_sent(proxy) == 3, "the third report to reach the hub")
        os.killpg(syncing.pid, signal.SIGKILL)
    finally:
        syncing.kill()
        syncing.communicate()
    assert syncing.returncode == -signal.SIGKILL
    assert len(hub.reports()) == 3
    states = [item["state"] for item in node.outbox()]
    assert states == ["delivered", "delivered", "pending", "pending"]  # the third's receipt never came

    again = node.sync()
    assert (again["delivered"], again["waiting"], again["failed"]) == (2, 0, 0)
    assert_every_month_exactly_once(hub, node)
