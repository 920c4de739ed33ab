"""What the hub answers when nodes do things right: discovery, enrollment, reports, rotation, tenders."""

from __future__ import annotations

import json

import requests
from flask import Flask

from federation.hub.extensions import db
from federation.hub.figures.models import Report
from federation.hub.figures.services import current_figures, report_history
from federation.hub.registry.models import Node, NodeKey
from federation.protocol import envelopes
from federation.protocol.keys import SigningKey
from federation.protocol.messages import receipt_digest
from schemas.federation.messages import DiscoverySchema, EnrollmentAcceptedSchema, TendersSchema
from tests.federation.hub.conftest import FakeNode, default_figures, make_invitation, make_tender
from wijknet.web.database import utcnow


def test_discovery_names_the_hub_its_keys_and_endpoints(hub_url: str, hub_key: SigningKey) -> None:
    response = requests.get(f"{hub_url}/.well-known/wijknet", timeout=5)
    assert response.status_code == 200
    document = DiscoverySchema().load(response.json())
    assert document["hub_id"] == "samen030"
    assert document["min_count"] == 5
    assert document["jwks"]["keys"] == [hub_key.public.jwk(with_kid=True)]
    assert document["endpoints"]["reports"] == "/api/v1/federation/reports"


def test_enrollment_registers_the_node_under_the_invitations_name(hub_app: Flask, hub_url: str) -> None:
    fake = FakeNode(hub_url, "zuilen")
    token = make_invitation(hub_app, "zuilen", ("WK034402", "BU03440301"), name="Buurtcoöperatie Zuilen")
    response = fake.enroll(token, name="Zuilen Samen")
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    answer = EnrollmentAcceptedSchema().load(response.json())
    assert answer["areas"] == ["BU03440301", "WK034402"]
    assert answer["municipality"] == "GM0344"
    assert answer["hub"]["hub_id"] == "samen030"
    with hub_app.app_context():
        node = db.session.get(Node, "zuilen")
        assert (node.name, node.name_given, node.software) == (
            "Buurtcoöperatie Zuilen",
            "Zuilen Samen",
            "wijknet tests",
        )
        assert db.session.get(NodeKey, fake.key.kid).node_id == "zuilen"


def test_enrollment_without_a_usable_jwk_or_with_a_wrong_kid(hub_app: Flask, hub_url: str) -> None:
    from federation.protocol.encoding import json_dumps
    from federation.protocol.jws import sign_compact

    fake = FakeNode(hub_url, "zuilen")
    token = make_invitation(hub_app, "zuilen")
    payload = json.loads(json.dumps({"schema": "wijknet.enrollment/1", "node_id": "zuilen", "token": token,
                                     "name": "Z", "issued_at": "2026-11-01T10:00:00Z", "software": "t"}))  # fmt: skip
    no_jwk = envelopes.Envelope(
        sign_compact(json_dumps(payload), fake.key, typ="wijknet-enrollment+jws"), "application/jose"
    )
    assert fake.post("enrollments", no_jwk).json()["code"] == "malformed"
    private = {**fake.key.public.jwk(), "d": "c2VjcmV0"}
    leaked = envelopes.Envelope(
        sign_compact(json_dumps(payload), fake.key, typ="wijknet-enrollment+jws", extra_header={"jwk": private}),
        "application/jose",
    )
    assert fake.post("enrollments", leaked).json()["code"] == "malformed"
    other = SigningKey.generate()
    mismatch = envelopes.Envelope(
        sign_compact(
            json_dumps(payload), fake.key, typ="wijknet-enrollment+jws", extra_header={"jwk": other.public.jwk()}
        ),
        "application/jose",
    )
    assert fake.post("enrollments", mismatch).json()["code"] == "bad_signature"
    # None of these used the token up.
    assert fake.enroll(token).status_code == 201


def test_an_accepted_report_has_a_receipt_the_node_can_verify(
    hub_app: Flask, node: FakeNode, hub_key: SigningKey
) -> None:
    payload = node.report_payload()
    envelope = envelopes.report(node.key, payload)
    response = node.post("reports", envelope)
    assert response.status_code == 201
    assert response.json()["status"] == "accepted"
    keys = envelopes.hub_keys({"keys": [hub_key.public.jwk(with_kid=True)]})
    receipt = envelopes.verify_receipt(response.json()["receipt"], keys, envelope.body, node_id=node.node_id)
    assert receipt["subject"] == "report"
    assert receipt["id"] == payload["report_id"]
    assert (receipt["period"], receipt["revision"]) == ("2026-10", 1)
    assert receipt["digest"] == receipt_digest(envelope.body.encode())
    with hub_app.app_context():
        stored = db.session.query(Report).one()
        assert stored.jws == envelope.body  # kept verbatim, verifiable years later


def test_a_byte_identical_retry_is_a_duplicate_with_the_same_receipt(hub_app: Flask, node: FakeNode) -> None:
    envelope = envelopes.report(node.key, node.report_payload())
    first = node.post("reports", envelope)
    second = node.post("reports", envelope)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {"status": "duplicate", "receipt": first.json()["receipt"]}
    with hub_app.app_context():
        assert db.session.query(Report).count() == 1


def test_the_highest_revision_counts_and_the_older_ones_are_kept(hub_app: Flask, node: FakeNode) -> None:
    figures = default_figures()
    assert node.send_report(node.report_payload(revision=1, figures=figures)).status_code == 201
    figures[1]["value"] = 13  # a late entry
    figures[0]["value"] = 41
    assert node.send_report(node.report_payload(revision=2, figures=figures)).status_code == 201
    with hub_app.app_context():
        current = {(f.category, f.metric): (f.value, f.suppressed, f.revision) for f in current_figures("noordwest")}
        assert current[("shopping", "requests_new")] == (13, False, 2)
        assert current[("garden", "requests_new")] == (None, True, 2)
        assert len(current) == len(figures)
        assert [r.revision for r in report_history("noordwest", "2026-10")] == [1, 2]


def test_a_report_issued_within_its_month_is_incomplete(node: FakeNode) -> None:
    now = utcnow()
    period = now.strftime("%Y-%m")
    payload = node.report_payload(period=period, issued_at=now, complete=False)
    assert node.send_report(payload).status_code == 201


def test_key_rotation_and_its_retry(hub_app: Flask, node: FakeNode, hub_key: SigningKey) -> None:
    new_key = SigningKey.generate()
    rotation = envelopes.key_rotation(node.key, new_key, node_id=node.node_id, issued_at=utcnow())
    first = node.post("keys", rotation)
    assert first.status_code == 201
    keys = envelopes.hub_keys({"keys": [hub_key.public.jwk(with_kid=True)]})
    receipt = envelopes.verify_receipt(first.json()["receipt"], keys, rotation.body, node_id=node.node_id)
    assert (receipt["subject"], receipt["id"]) == ("key", new_key.kid)
    assert "period" not in receipt and "revision" not in receipt
    retry = node.post("keys", rotation)
    assert retry.status_code == 200
    assert retry.json() == {"status": "duplicate", "receipt": first.json()["receipt"]}
    with hub_app.app_context():
        assert db.session.get(NodeKey, node.key.kid).retired_after is not None
        assert db.session.get(NodeKey, new_key.kid).is_current


def test_key_rotation_refusals(hub_app: Flask, node: FakeNode) -> None:
    from federation.protocol.encoding import json_dumps
    from federation.protocol.jws import sign_general

    new_key = SigningKey.generate()
    payload = {"schema": "wijknet.key-rotation/1", "node_id": node.node_id, "new_key": new_key.public.jwk(),
               "issued_at": "2026-11-02T09:00:00Z"}  # fmt: skip

    def send(signers: list[SigningKey], body: dict | None = None) -> dict:
        document = sign_general(json_dumps(body or payload), signers, typ="wijknet-key-rotation+jws")
        return node.post("keys", envelopes.Envelope(document, "application/jose+json")).json()

    assert send([node.key])["code"] == "malformed"  # one signature
    assert send([node.key, new_key, SigningKey.generate()])["code"] == "malformed"  # three
    assert send([SigningKey.generate(), new_key])["code"] == "unknown_key"
    assert send([node.key, SigningKey.generate()])["code"] == "bad_signature"  # not new_key's thumbprint
    with_private = {**payload, "new_key": {**new_key.public.jwk(), "d": "c2VjcmV0"}}
    assert send([node.key, new_key], with_private)["code"] == "invalid_payload"
    assert send([new_key, node.key])["status"] == "accepted"  # either order
    newer = SigningKey.generate()
    later = {**payload, "new_key": newer.public.jwk(), "issued_at": "2026-11-03T09:00:00Z"}
    assert send([node.key, newer], later)["code"] == "key_retired"  # the old key is no longer current


def test_signed_tender_list(hub_app: Flask, hub_url: str, hub_key: SigningKey) -> None:
    make_tender(hub_app)
    response = requests.get(f"{hub_url}/api/v1/federation/tenders", timeout=5)
    assert response.headers["Content-Type"].startswith("application/jose")
    keys = envelopes.hub_keys({"keys": [hub_key.public.jwk(with_kid=True)]})
    payload = TendersSchema().load(envelopes.verify_tender_list(response.text, keys))
    lot = payload["tenders"][0]["lots"][0]
    assert (lot["lot_id"], lot["required_hours_per_month"]) == ("noordwest", 320)


def test_reports_signed_by_a_key_revoked_later_stay_and_are_flagged(hub_app: Flask, node: FakeNode) -> None:
    from federation.hub.figures.services import audit_view
    from federation.hub.registry.services import revoke_key

    assert node.send_report(node.report_payload(revision=1)).status_code == 201
    assert node.send_report(node.report_payload(revision=2)).status_code == 201
    with hub_app.app_context():
        revoke_key("tests", node.key.kid, utcnow())
        db.session.commit()
        audited = audit_view("noordwest")
    assert [(a.report.revision, a.current, a.key_revoked) for a in audited] == [(1, False, True), (2, True, True)]
