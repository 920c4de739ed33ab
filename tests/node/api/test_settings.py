"""`/api/v1/settings`: the node's run-time settings, changed by its administrator."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from schemas.node.codes import Role
from tests.node.api.conftest import assert_problem, error_fields
from tests.node.factories import Factory

DEFAULTS = {"min_count": 5, "retention_months": 24, "privacy_statement_version": "2026-01"}


def test_the_defaults_and_a_change(client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    assert client.get("/api/v1/settings", headers=admin).json == DEFAULTS
    changed = client.patch(
        "/api/v1/settings", json={"min_count": 10, "privacy_statement_version": "2026-06"}, headers=admin
    )
    assert changed.json == {**DEFAULTS, "min_count": 10, "privacy_statement_version": "2026-06"}
    assert client.get("/api/v1/settings", headers=admin).json == changed.json
    updates = client.get("/api/v1/audit-events?action=update", headers=admin).json["items"]
    assert [e["detail"] for e in updates if e["subject_type"] == "settings"] == [
        "fields: min_count, privacy_statement_version"
    ]


def test_new_consents_record_the_current_privacy_statement(client: FlaskClient, make: Factory) -> None:
    _, admin = make.person(Role.ADMIN)
    member, headers = make.person(Role.MEMBER)
    client.patch("/api/v1/settings", json={"privacy_statement_version": "2027-01"}, headers=admin)
    consent = client.post(
        f"/api/v1/members/{member}/consents", json={"purpose": "photos", "method": "online"}, headers=headers
    )
    assert consent.json["statement_version"] == "2027-01"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_count": 2}, "min_count"),  # below the protocol's floor of 3
        ({"min_count": 101}, "min_count"),
        ({"retention_months": 0}, "retention_months"),
        ({"retention_months": 121}, "retention_months"),
        ({"privacy_statement_version": ""}, "privacy_statement_version"),
        ({"secret_key": "x"}, "secret_key"),
    ],
)
def test_values_out_of_range_are_refused(client: FlaskClient, make: Factory, change: dict, field: str) -> None:
    _, admin = make.person(Role.ADMIN)
    assert error_fields(assert_problem(client.patch("/api/v1/settings", json=change, headers=admin), 422)) == {field}
    assert client.get("/api/v1/settings", headers=admin).json == DEFAULTS
