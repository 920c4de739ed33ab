"""The protocol's payload schemas: member for member, and every rule of sections 5-8."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from federation.protocol.keys import SigningKey
from federation.protocol.messages import format_timestamp, parse_timestamp
from schemas.federation.messages import (
    CommitmentSchema,
    EnrollmentSchema,
    KeyRotationSchema,
    ReceiptSchema,
    ReportSchema,
)
from wijknet.web.problems import flatten_messages

REPORT: dict[str, Any] = {
    "schema": "wijknet.report/1",
    "report_id": "0b6f4c1e-3f1d-4e8a-9c65-0d5b2f1a9e77",
    "node_id": "zuilen",
    "period": "2026-10",
    "revision": 3,
    "complete": True,
    "issued_at": "2026-11-01T02:00:07Z",
    "disclosure": {"min_count": 5, "method": "suppress"},
    "figures": [
        {"area": "WK034401", "category": "practical", "metric": "requests_new", "value": 12},
        {"area": "WK034401", "category": "garden", "metric": "requests_new", "value": None, "suppressed": True},
        {"area": "WK034401", "category": "_all", "metric": "volunteer_hours", "value": 131.5},
    ],
}


def fields_of_errors(schema: Any, payload: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        schema.load(payload)
    return [e.field for e in flatten_messages(caught.value.messages)]


def changed(path: str, value: Any) -> dict[str, Any]:
    """The example report with one member (dotted path, `figures.1.value`) set to `value` (or removed)."""
    report = copy.deepcopy(REPORT)
    *parents, last = path.split(".")
    target: Any = report
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return report


def test_the_spec_example_report_loads() -> None:
    loaded = ReportSchema().load(REPORT)
    assert loaded["issued_at"] == datetime(2026, 11, 1, 2, 0, 7, tzinfo=UTC)
    assert loaded["figures"][2].value == 131.5  # loaded as FigureIn


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("name", "Anna de Vries", "name"),  # an unknown member: personal data cannot ride along
        ("figures.0.note", "Mevrouw Jansen, Dorpsstraat 3", "figures[0].note"),
        ("schema", "wijknet.report/2", "schema"),
        ("report_id", "0B6F4C1E-3F1D-4E8A-9C65-0D5B2F1A9E77", "report_id"),
        ("node_id", "Zuilen", "node_id"),
        ("period", "2026-13", "period"),
        ("revision", 0, "revision"),
        ("revision", True, "revision"),
        ("revision", 3.0, "revision"),
        ("complete", "true", "complete"),
        ("complete", False, "complete"),  # issued after the month: it is complete
        ("issued_at", "2026-11-01T03:00:07+01:00", "issued_at"),
        ("disclosure.method", "round", "disclosure.method"),
        ("disclosure.min_count", "5", "disclosure.min_count"),
        ("figures.0.area", "Zuilen", "figures[0].area"),
        ("figures.0.category", "gardening", "figures[0].category"),
        ("figures.0.category", ["practical"], "figures[0].category"),  # not a code (nor hashable)
        ("figures.0.metric", "requests_total", "figures[0].metric"),
        ("figures.0.value", -1, "figures[0].value"),
        ("figures.0.value", 12.5, "figures[0].value"),  # a person count is whole
        ("figures.0.value", "12", "figures[0].value"),
        ("figures.0.value", True, "figures[0].value"),
        ("figures.0.value", None, "figures[0].suppressed"),  # null without suppressed
        ("figures.1.suppressed", ..., "figures[1].suppressed"),
        ("figures.0.suppressed", True, "figures[0].suppressed"),  # a value and suppressed
        ("figures.2.category", "social", None),  # fine: volunteer_hours is per category
        ("figures.0.metric", "members_total", "figures[0].category"),  # members_total is _all only
        ("figures", "all of them", "figures"),
    ],
)
def test_each_rule_names_the_failing_member(path: str, value: Any, field: str | None) -> None:
    report = changed(path, value)
    if field is None:
        ReportSchema().load(report)
    else:
        assert field in fields_of_errors(ReportSchema(), report)


def test_a_triple_twice_and_too_many_figures_are_refused() -> None:
    report = copy.deepcopy(REPORT)
    report["figures"].append(dict(report["figures"][0]))
    assert fields_of_errors(ReportSchema(), report) == ["figures[3].metric"]
    report["figures"] = [
        {"area": "WK034401", "category": "practical", "metric": "requests_new", "value": i} for i in range(10_001)
    ]
    assert fields_of_errors(ReportSchema(), report) == ["figures"]


def test_an_incomplete_report_is_issued_within_its_month() -> None:
    report = changed("issued_at", "2026-10-31T22:59:59.5Z")  # 23:59:59.5 in Amsterdam
    report["complete"] = False
    assert ReportSchema().load(report)["complete"] is False


def test_enrollment_and_key_rotation() -> None:
    enrollment = {
        "schema": "wijknet.enrollment/1",
        "node_id": "zuilen",
        "token": "x" * 43,
        "name": "Buurtcoöperatie Zuilen",
        "issued_at": "2026-11-01T10:00:00Z",
        "software": "wijknet 0.4.0",
    }
    assert EnrollmentSchema().load(enrollment)["name"] == "Buurtcoöperatie Zuilen"
    assert fields_of_errors(EnrollmentSchema(), {**enrollment, "email": "a@b.nl"}) == ["email"]

    key = SigningKey.generate()
    rotation = {
        "schema": "wijknet.key-rotation/1",
        "node_id": "zuilen",
        "new_key": key.public.jwk(),
        "issued_at": "2026-11-02T09:00:00Z",
    }
    assert KeyRotationSchema().load(rotation)["new_key"]["x"] == key.public.x
    private = {**key.public.jwk(), "d": "c2VjcmV0"}
    assert fields_of_errors(KeyRotationSchema(), {**rotation, "new_key": private}) == ["new_key.d"]


def test_commitment_categories_once_each() -> None:
    commitment = {
        "schema": "wijknet.commitment/1",
        "commitment_id": "5a0c1b76-8c4f-4c2b-9a44-2f4b6f0f3e11",
        "node_id": "zuilen",
        "tender_id": "smk-2027",
        "lot_id": "noordwest",
        "revision": 1,
        "issued_at": "2026-11-02T09:00:00Z",
        "valid_until": "2027-01-15T12:00:00Z",
        "capacity": [{"category": "social", "hours_per_month": 120}],
    }
    assert CommitmentSchema().load(commitment)["capacity"][0]["hours_per_month"] == 120
    twice = {**commitment, "capacity": commitment["capacity"] * 2}
    assert fields_of_errors(CommitmentSchema(), twice) == ["capacity"]
    everything = {**commitment, "capacity": [{"category": "_all", "hours_per_month": 1}]}
    assert fields_of_errors(CommitmentSchema(), everything) == ["capacity[0].category"]


def test_receipt_dumps_what_it_loads() -> None:
    receipt = {
        "schema": "wijknet.receipt/1",
        "hub_id": "samen030",
        "node_id": "zuilen",
        "subject": "report",
        "id": "0b6f4c1e-3f1d-4e8a-9c65-0d5b2f1a9e77",
        "period": "2026-10",
        "revision": 3,
        "received_at": "2026-11-01T02:00:08Z",
        "digest": "sha-256=" + "A" * 43,
    }
    schema = ReceiptSchema()
    assert schema.dump(schema.load(receipt)) == receipt


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)))
def test_timestamps_round_trip(instant: datetime) -> None:
    assert parse_timestamp(format_timestamp(instant)) == instant
    assert format_timestamp(instant).endswith("Z")
