"""The hub refuses codes, months and timestamps written with digits other than 0-9, over real HTTP."""

from __future__ import annotations

import pytest
from flask import Flask

from federation.hub.extensions import db
from federation.hub.registry.services import invite
from tests.federation.hub.conftest import FakeNode, default_figures
from wijknet.errors import InvalidInput
from wijknet.web.database import utcnow

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"figures": default_figures("WK٠٣٤٤02")}, "invalid_payload", "figures[0].area"),
        ({"period": "2026-1٠"}, "invalid_payload", "period"),
        ({"issued_at": "2026-11-0١T02:00:07Z"}, "invalid_payload", "issued_at"),
    ],
)
def test_a_report_with_other_digits_is_refused(node: FakeNode, change: dict, code: str, field: str) -> None:
    payload = node.report_payload("2026-10")
    payload.update(change)
    answer = node.send_report(payload)
    assert (answer.status_code, answer.json()["code"]) == (422, code), answer.text
    assert field in {error["field"] for error in answer.json()["errors"]}
    assert node.send_report(node.report_payload("2026-10")).status_code == 201  # the same in 0-9 is taken


def test_an_invitation_with_other_digits_is_refused(hub_app: Flask) -> None:
    with hub_app.app_context(), pytest.raises(InvalidInput) as refused:
        invite("tests", node_id="zuilen", name="Zuilen", municipality="GM0344".translate(ARABIC_INDIC),
               areas=["WK٠٣٤٤02"], now=utcnow(), valid_days=7)  # fmt: skip
    assert {error.field for error in refused.value.errors} == {"municipality", "areas"}
    with hub_app.app_context():
        db.session.rollback()
