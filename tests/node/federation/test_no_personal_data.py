"""Property: whatever residents write or are called, none of it reaches a report (spec section 1)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation.protocol.codelists import CATEGORY_CODES, METRIC_CODES
from federation.protocol.encoding import b64url_decode, json_object
from node.accounts.actor import Actor
from node.extensions import db
from node.federation.keys import ensure_key
from node.federation.models import HubLink, OutboxItem
from node.federation.reports import build_reports
from node.help.requests import create_request
from node.members.services import add_member, give_consent
from schemas.federation.messages import ReportSchema
from schemas.node.codes import ConsentMethod, ConsentPurpose, Role
from wijknet.web.database import utcnow

SYSTEM = Actor.system("tests")
# The protocol's own words: a "name" like "referr" is in every report, as part of requests_referred.
VOCABULARY = " ".join(
    [
        *METRIC_CODES,
        *CATEGORY_CODES,
        "_all wijknet.report/1 suppress suppressed noordwest schema report_id node_id period revision complete",
        "issued_at disclosure min_count method figures area category metric value true false null",
    ]
).lower()
# Personal text: long enough to be recognisable, and not a piece of the protocol's vocabulary.
personal = (
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "Zs")), min_size=6, max_size=40)
    .map(str.strip)
    .filter(lambda text: len(text) >= 6 and text.lower() not in VOCABULARY)
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(personal, personal, personal), min_size=1, max_size=6),
    category=st.sampled_from(["shopping", "garden", "light_care", "paperwork"]),
)
def test_no_name_address_or_free_text_appears_in_a_report(
    app: Flask, people: list[tuple[str, str, str]], category: str
) -> None:
    with app.app_context():
        try:
            db.session.add(
                HubLink(hub_url="http://127.0.0.1:1", hub_id="hub", node_id="noordwest", municipality="GM0344",
                        areas=["WK034402"], min_count=3, hub_jwks={"keys": []}, endpoints={"reports": "/r"}, kid="k")
            )  # fmt: skip
            for index, (name, street, story) in enumerate(people):
                member = add_member(
                    SYSTEM,
                    {"name": name, "street_address": street, "notes": story, "email": f"p{index}@voorbeeld.nl",
                     "buurt_code": "BU03440201", "joined_on": date.today() - timedelta(days=40)},
                )  # fmt: skip
                give_consent(Actor.for_member(member.id, [Role.MEMBER]), member.id, ConsentPurpose.MEMBERSHIP,
                             ConsentMethod.ONLINE)  # fmt: skip
                create_request(SYSTEM, {"requester_id": member.id, "category": category, "description": story})
            link = db.session.scalars(db.select(HubLink)).one()
            build_reports(link, ensure_key(), utcnow())
            bodies = [item.body for item in db.session.scalars(db.select(OutboxItem))]
            assert bodies
            for body in bodies:
                payload = json_object(b64url_decode(body.split(".")[1]))
                ReportSchema().load(payload)  # nothing outside the protocol's members
                text = json.dumps(payload, ensure_ascii=False)
                for name, street, story in people:
                    for secret in (name, street, story):
                        assert secret not in text
                assert "voorbeeld.nl" not in text
        finally:
            db.session.rollback()
