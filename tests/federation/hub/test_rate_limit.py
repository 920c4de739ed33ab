"""429 rate_limited: counted per kid where the message names one, else per client address."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.federation.hub.conftest import FakeNode


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return {"rate_limit_per_minute": 3}


def test_a_node_over_its_limit_is_told_when_to_come_back(node: FakeNode) -> None:
    # The enrollment was the first message under this kid.
    statuses = [node.send_report(node.report_payload(revision=r)).status_code for r in (1, 2, 3)]
    assert statuses == [201, 201, 429]
    response = node.send_report(node.report_payload(revision=4))
    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_another_key_has_its_own_count(node: FakeNode) -> None:
    for revision in (1, 2):
        assert node.send_report(node.report_payload(revision=revision)).status_code == 201
    stranger = FakeNode(node.hub_url, node.node_id)  # an unknown key: its own count, so 401 not 429
    assert stranger.send_report(stranger.report_payload()).status_code == 401


def test_without_a_kid_the_client_address_counts(hub_url: str) -> None:
    statuses = [requests.get(f"{hub_url}/.well-known/wijknet", timeout=5).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
