"""Every error code of spec section 3, each with a real HTTP request, and the order of the checks."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import requests
from flask import Flask

from federation.hub.extensions import db
from federation.hub.registry.services import revoke_key, suspend
from federation.protocol import envelopes
from federation.protocol.encoding import b64url_encode
from federation.protocol.keys import SigningKey
from federation.protocol.messages import format_timestamp
from tests.federation.hub.conftest import FakeNode, default_figures, make_invitation, make_tender
from wijknet.web.database import utcnow


def problem(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["type"] == f"urn:wijknet:problem:{code}"
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


def raw_post(hub_url: str, endpoint: str, body: bytes, content_type: str = "application/jose") -> requests.Response:
    return requests.post(
        f"{hub_url}/api/v1/federation/{endpoint}", data=body, headers={"Content-Type": content_type}, timeout=10
    )


def test_too_large(hub_url: str) -> None:
    problem(raw_post(hub_url, "reports", b"a" * (1024 * 1024 + 1)), 413, "too_large")


def test_too_large_comes_before_the_media_type(hub_url: str) -> None:
    problem(raw_post(hub_url, "reports", b"a" * (1024 * 1024 + 1), "text/plain"), 413, "too_large")


def test_unsupported_media_type(hub_url: str, node: FakeNode) -> None:
    envelope = envelopes.report(node.key, node.report_payload())
    problem(raw_post(hub_url, "reports", envelope.body.encode(), "application/json"), 415, "unsupported_media_type")
    rotation = envelopes.key_rotation(node.key, SigningKey.generate(), node_id=node.node_id, issued_at=utcnow())
    problem(raw_post(hub_url, "keys", rotation.body.encode(), "application/jose"), 415, "unsupported_media_type")


def test_media_type_parameters_and_surrounding_whitespace_are_ignored(node: FakeNode) -> None:
    envelope = envelopes.report(node.key, node.report_payload())
    body = b"\r\n " + envelope.body.encode() + b"\n"
    response = raw_post(node.hub_url, "reports", body, "application/jose; charset=utf-8")
    assert response.status_code == 201, response.text


def test_malformed(hub_url: str) -> None:
    body = problem(raw_post(hub_url, "reports", b"this.is-not.a jws"), 400, "malformed")
    assert body["detail"]


def test_unsupported_alg(node: FakeNode) -> None:
    payload = json.dumps(node.report_payload()).encode()
    header = b64url_encode(json.dumps({"alg": "HS256", "kid": node.key.kid, "typ": "wijknet-report+jws"}).encode())
    token = f"{header}.{b64url_encode(payload)}.{b64url_encode(b'x' * 32)}"
    problem(raw_post(node.hub_url, "reports", token.encode()), 400, "unsupported_alg")


def test_alg_none_is_unsupported(node: FakeNode) -> None:
    payload = json.dumps(node.report_payload()).encode()
    header = b64url_encode(json.dumps({"alg": "none", "kid": node.key.kid, "typ": "wijknet-report+jws"}).encode())
    problem(raw_post(node.hub_url, "reports", f"{header}.{b64url_encode(payload)}.".encode()), 400, "unsupported_alg")


def test_wrong_type(node: FakeNode) -> None:
    commitment_typed = envelopes.commitment(node.key, node.report_payload())
    problem(node.post("reports", commitment_typed), 400, "wrong_type")


def test_unknown_key(node: FakeNode) -> None:
    stranger = FakeNode(node.hub_url, node.node_id)
    problem(stranger.send_report(stranger.report_payload()), 401, "unknown_key")


def test_bad_signature(node: FakeNode) -> None:
    protected, payload, _ = envelopes.report(node.key, node.report_payload()).body.split(".")
    forged = envelopes.report(SigningKey.generate(), node.report_payload()).body.split(".")[2]
    problem(raw_post(node.hub_url, "reports", f"{protected}.{payload}.{forged}".encode()), 401, "bad_signature")


def test_key_revoked(hub_app: Flask, node: FakeNode) -> None:
    with hub_app.app_context():
        revoke_key("tests", node.key.kid, utcnow())
        db.session.commit()
    problem(node.send_report(node.report_payload()), 403, "key_revoked")


def test_key_retired_after_a_rotation(node: FakeNode) -> None:
    old_key, new_key = node.key, SigningKey.generate()
    before = utcnow() - timedelta(seconds=30)
    pending = node.report_payload(issued_at=before)  # signed before the rotation: still lands
    rotated_at = utcnow() - timedelta(seconds=10)
    rotation = envelopes.key_rotation(old_key, new_key, node_id=node.node_id, issued_at=rotated_at)
    assert node.post("keys", rotation).status_code == 201
    assert node.send_report(pending, key=old_key).status_code == 201
    problem(node.send_report(node.report_payload(revision=2, issued_at=utcnow()), key=old_key), 403, "key_retired")
    node.key = new_key
    assert node.send_report(node.report_payload(revision=2)).status_code == 201


def test_node_suspended(hub_app: Flask, node: FakeNode) -> None:
    with hub_app.app_context():
        suspend("tests", node.node_id, utcnow())
        db.session.commit()
    problem(node.send_report(node.report_payload()), 403, "node_suspended")


def test_node_mismatch(hub_app: Flask, node: FakeNode) -> None:
    other = FakeNode(node.hub_url, "overvecht")
    assert other.enroll(make_invitation(hub_app, "overvecht", ("WK034403",))).status_code == 201
    problem(node.send_report(node.report_payload(node_id="overvecht")), 403, "node_mismatch")


def test_invalid_token(hub_app: Flask, hub_url: str) -> None:
    fake = FakeNode(hub_url, "zuilen")
    problem(fake.enroll("A" * 43), 403, "invalid_token")
    token = make_invitation(hub_app, "zuilen")
    problem(FakeNode(hub_url, "elsewhere").enroll(token), 403, "invalid_token")  # for another node_id
    assert fake.enroll(token).status_code == 201
    problem(FakeNode(hub_url, "zuilen").enroll(token), 403, "invalid_token")  # used up


def test_expired_token(hub_app: Flask, hub_url: str) -> None:
    token = make_invitation(hub_app, "zuilen", now=utcnow() - timedelta(days=8))
    problem(FakeNode(hub_url, "zuilen").enroll(token), 403, "invalid_token")


def test_report_id_reused(node: FakeNode) -> None:
    payload = node.report_payload()
    assert node.send_report(payload).status_code == 201
    problem(node.send_report({**payload, "revision": 2}), 409, "report_id_reused")


def test_stale_revision(node: FakeNode) -> None:
    assert node.send_report(node.report_payload(revision=3)).status_code == 201
    problem(node.send_report(node.report_payload(revision=2)), 409, "stale_revision")


def test_revision_conflict(node: FakeNode) -> None:
    assert node.send_report(node.report_payload(revision=3)).status_code == 201
    problem(node.send_report(node.report_payload(revision=3)), 409, "revision_conflict")


def test_node_exists(hub_app: Flask, node: FakeNode) -> None:
    again = FakeNode(node.hub_url, node.node_id)
    problem(again.enroll(_invite_again(hub_app)), 409, "node_exists")


def _invite_again(hub_app: Flask) -> str:
    """A second invitation for a node that is registered, made behind the registry's back (an old one, say)."""
    from federation.hub.registry.models import Invitation
    from federation.hub.registry.services import hash_token

    with hub_app.app_context():
        token = "B" * 43
        db.session.add(
            Invitation(
                node_id="noordwest",
                name="again",
                municipality="GM0344",
                areas=["WK034402"],
                token_hash=hash_token(token),
                created_by="tests",
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
    return token


def test_key_exists(hub_app: Flask, node: FakeNode) -> None:
    twin = FakeNode(node.hub_url, "zuilen", key=node.key)
    problem(twin.enroll(make_invitation(hub_app, "zuilen")), 409, "key_exists")
    rotation = envelopes.key_rotation(node.key, node.key, node_id=node.node_id, issued_at=utcnow())
    problem(node.post("keys", rotation), 409, "key_exists")


def test_invalid_payload_names_the_members(node: FakeNode) -> None:
    figures = default_figures()
    figures[1]["value"] = -3
    payload = node.report_payload(figures=figures, remark="Mevrouw De Vries, Amsterdamsestraatweg 1")
    body = problem(node.send_report(payload), 422, "invalid_payload")
    assert {"field": "remark", "message": "Unknown field."} in body["errors"]
    assert any(e["field"] == "figures[1].value" for e in body["errors"])


def test_a_period_that_has_not_started_is_invalid(node: FakeNode) -> None:
    future = (utcnow() + timedelta(days=40)).strftime("%Y-%m")
    payload = node.report_payload(period=future, issued_at=utcnow(), complete=False)
    body = problem(node.send_report(payload), 422, "invalid_payload")
    assert body["errors"][0]["field"] == "period"


def test_issued_in_future(node: FakeNode) -> None:
    payload = node.report_payload()
    payload["issued_at"] = format_timestamp(utcnow() + timedelta(seconds=400))
    problem(node.send_report(payload), 422, "issued_in_future")


def test_area_not_allowed(node: FakeNode) -> None:
    figures = [*default_figures(), {"area": "WK034403", "category": "_all", "metric": "members_total", "value": 0}]
    body = problem(node.send_report(node.report_payload(figures=figures)), 422, "area_not_allowed")
    message = "WK034403 is not an area of this node."
    assert body["errors"] == [{"field": f"figures[{len(figures) - 1}].area", "message": message}]


def test_buurten_of_a_registered_wijk_are_allowed(node: FakeNode) -> None:
    figures = [*default_figures(), {"area": "BU03440201", "category": "_all", "metric": "members_total", "value": 0}]
    assert node.send_report(node.report_payload(figures=figures)).status_code == 201


def test_disclosure_violation(node: FakeNode) -> None:
    figures = default_figures()
    figures[1]["value"] = 3  # a person count under min_count
    body = problem(node.send_report(node.report_payload(figures=figures)), 422, "disclosure_violation")
    assert body["errors"][0]["field"] == "figures[1]"
    lone = default_figures()
    lone[3] = {**lone[3], "value": 8, "suppressed": False}
    lone[3].pop("suppressed")
    problem(node.send_report(node.report_payload(figures=lone)), 422, "disclosure_violation")


def test_min_count_below_the_hubs_is_a_disclosure_violation(node: FakeNode) -> None:
    body = problem(node.send_report(node.report_payload(min_count=3)), 422, "disclosure_violation")
    assert body["errors"][0]["field"] == "disclosure.min_count"


def test_not_found_and_method_not_allowed(hub_url: str) -> None:
    problem(requests.get(f"{hub_url}/api/v1/federation/nothing", timeout=5), 404, "not_found")
    problem(requests.get(f"{hub_url}/api/v1/federation/reports", timeout=5), 405, "method_not_allowed")


# --- the order of the checks -------------------------------------------------------------------


def test_signature_is_checked_before_the_standing_of_the_key(hub_app: Flask, node: FakeNode) -> None:
    with hub_app.app_context():
        suspend("tests", node.node_id, utcnow())
        db.session.commit()
    protected, payload, _ = envelopes.report(node.key, node.report_payload()).body.split(".")
    forged = b64url_encode(b"\x00" * 64)
    problem(raw_post(node.hub_url, "reports", f"{protected}.{payload}.{forged}".encode()), 401, "bad_signature")


def test_a_duplicate_is_recognised_before_the_payload_rules(hub_app: Flask, node: FakeNode) -> None:
    payload = node.report_payload()
    envelope = envelopes.report(node.key, payload)
    first = node.post("reports", envelope)
    assert first.status_code == 201
    # The hub raises its min_count afterwards: the retry must still get its receipt.
    hub_app.extensions["wijknet.settings"].min_count = 10
    again = node.post("reports", envelope)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "receipt": first.json()["receipt"]}


def test_invalid_payload_comes_before_the_revision_checks(node: FakeNode) -> None:
    assert node.send_report(node.report_payload(revision=3)).status_code == 201
    problem(node.send_report(node.report_payload(revision=2, extra=1)), 422, "invalid_payload")


def test_commitment_errors(hub_app: Flask, node: FakeNode) -> None:
    make_tender(hub_app)

    def commitment(**changes: object) -> dict:
        return {
            "schema": "wijknet.commitment/1",
            "commitment_id": str(uuid.uuid4()),
            "node_id": node.node_id,
            "tender_id": "smk-2027",
            "lot_id": "noordwest",
            "revision": 1,
            "issued_at": format_timestamp(utcnow()),
            "valid_until": format_timestamp(utcnow() + timedelta(days=30)),
            "capacity": [{"category": "social", "hours_per_month": 120}],
            **changes,
        }

    first = commitment()
    assert node.post("commitments", envelopes.commitment(node.key, first)).status_code == 201
    problem(node.post("commitments", envelopes.commitment(node.key, {**first, "revision": 2})), 409, "report_id_reused")
    problem(node.post("commitments", envelopes.commitment(node.key, commitment())), 409, "revision_conflict")
    assert node.post("commitments", envelopes.commitment(node.key, commitment(revision=3))).status_code == 201
    problem(node.post("commitments", envelopes.commitment(node.key, commitment(revision=2))), 409, "stale_revision")
    wrong = commitment(revision=4, capacity=[{"category": "garden", "hours_per_month": 10}])
    body = problem(node.post("commitments", envelopes.commitment(node.key, wrong)), 422, "invalid_payload")
    assert body["errors"][0]["field"] == "capacity[0].category"
    unknown = commitment(revision=4, tender_id="smk-2099")
    problem(node.post("commitments", envelopes.commitment(node.key, unknown)), 422, "invalid_payload")
