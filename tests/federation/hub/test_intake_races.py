"""Revisions of one node and month arriving at the same time, over real HTTP: the highest wins, never a 5xx."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.figures.models import Report, ReportHead
from federation.hub.figures.services import current_figures
from federation.protocol import envelopes
from tests.federation.hub.conftest import FakeNode

ROUNDS = 4  # a race may go either way; each round sends its own month
SENDERS = 6


def all_at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run the calls in threads released together, so that their requests overlap at the hub."""
    start = threading.Barrier(len(calls))
    answers: list[requests.Response | BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = calls[index]()
        except BaseException as exc:  # reported below, with the others' answers
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    failed = [a for a in answers if not isinstance(a, requests.Response)]
    assert not failed, failed
    return answers  # type: ignore[return-value]


def sender(node: FakeNode, body: str) -> Callable[[], requests.Response]:
    """A request on its own connection (a session is not shared between threads)."""

    def send() -> requests.Response:
        with requests.Session() as session:
            return session.post(
                f"{node.hub_url}/api/v1/federation/reports",
                data=body.encode("ascii"),
                headers={"Content-Type": "application/jose"},
                timeout=30,
            )

    return send


def signed(node: FakeNode, period: str, revision: int, requests_new: int = 40) -> str:
    figures = [
        {"area": "WK034402", "category": "_all", "metric": "requests_new", "value": requests_new},
    ]
    return envelopes.report(node.key, node.report_payload(period, revision, figures)).body


def codes(answers: list[requests.Response]) -> list[tuple[int, str]]:
    return sorted((a.status_code, a.json().get("code") or a.json().get("status")) for a in answers)


def head(app: Flask, period: str) -> tuple[int, int]:
    """The head revision of the month, and the revision of the report it points at."""
    with app.app_context():
        row = db.session.get(ReportHead, ("noordwest", period))
        return row.revision, db.session.get(Report, row.report_pk).revision


def test_the_highest_of_first_revisions_sent_together_wins(hub_app: Flask, node: FakeNode) -> None:
    for round_ in range(ROUNDS):
        period = f"2025-{round_ + 1:02d}"
        bodies = [signed(node, period, revision, requests_new=revision * 10) for revision in range(1, SENDERS + 1)]
        answers = all_at_once([sender(node, body) for body in bodies])

        assert all(a.status_code < 500 for a in answers), codes(answers)
        assert answers[-1].status_code == 201, answers[-1].text  # the highest revision is never stale
        for answer in answers:
            assert (answer.status_code, answer.json().get("code")) in {(201, None), (409, "stale_revision")}
        assert head(hub_app, period) == (SENDERS, SENDERS)
        with hub_app.app_context():
            stored = set(db.session.scalars(select(Report.revision).where(Report.period == period)))
            assert stored == {i + 1 for i, a in enumerate(answers) if a.status_code == 201}
            assert [f.value for f in current_figures("noordwest", period)] == [SENDERS * 10]


def test_later_revisions_sent_together_move_the_head_to_the_highest(hub_app: Flask, node: FakeNode) -> None:
    for round_ in range(ROUNDS):
        period = f"2025-{round_ + 1:02d}"
        assert node.post("reports", envelopes.report(node.key, node.report_payload(period, 1))).status_code == 201
        answers = all_at_once([sender(node, signed(node, period, revision)) for revision in range(2, SENDERS + 2)])

        assert all(a.status_code in (201, 409) for a in answers), codes(answers)
        assert answers[-1].status_code == 201, answers[-1].text
        assert head(hub_app, period) == (SENDERS + 1, SENDERS + 1)


def test_one_revision_under_several_report_ids_is_taken_once(hub_app: Flask, node: FakeNode) -> None:
    for round_ in range(ROUNDS):
        period = f"2025-{round_ + 1:02d}"
        answers = all_at_once([sender(node, signed(node, period, 1)) for _ in range(SENDERS)])

        assert codes(answers) == [(201, "accepted")] + [(409, "revision_conflict")] * (SENDERS - 1)
        assert head(hub_app, period) == (1, 1)


def test_the_same_report_sent_together_is_stored_once_with_one_receipt(hub_app: Flask, node: FakeNode) -> None:
    for round_ in range(ROUNDS):
        period = f"2025-{round_ + 1:02d}"
        body = signed(node, period, 1)
        answers = all_at_once([sender(node, body) for _ in range(SENDERS)])

        assert codes(answers) == [(200, "duplicate")] * (SENDERS - 1) + [(201, "accepted")]
        assert len({a.json()["receipt"] for a in answers}) == 1
        with hub_app.app_context():
            assert db.session.scalar(select(db.func.count()).where(Report.period == period)) == 1


@pytest.mark.parametrize("revisions", [(3, 2), (2, 3)])
def test_a_lower_revision_racing_a_higher_one_never_becomes_the_head(
    hub_app: Flask, node: FakeNode, revisions: tuple[int, int]
) -> None:
    for round_ in range(ROUNDS):
        period = f"2025-{round_ + 1:02d}"
        answers = all_at_once([sender(node, signed(node, period, revision)) for revision in revisions])

        by_revision = dict(zip(revisions, answers, strict=True))
        assert by_revision[3].status_code == 201, by_revision[3].text
        assert by_revision[2].status_code in (201, 409), by_revision[2].text
        assert head(hub_app, period) == (3, 3)
