"""The example-data generator: the data keeps the domain's rules, looks like a neighbourhood, and is repeatable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from federation.protocol.codelists import CATEGORY_CODES
from federation.protocol.periods import AMSTERDAM, period_end, period_of_date, period_start
from node.accounts.services import LoginOutcome, login
from node.activities.models import Activity
from node.app import create_app
from node.audit.models import AuditEvent
from node.demo import activities, corrections, people, seasons, texts, work
from node.demo.accounts import EXAMPLE_EMAILS, EXAMPLE_PASSWORD, create_example_accounts
from node.demo.corrections import CorrectionKind
from node.demo.generator import DemoSummary, generate
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest, waiting_hours
from node.matching.models import Match
from node.members.models import Consent, Member, MemberRole
from node.work.models import Assignment, Partner, TimeLog
from schemas.node.codes import (
    CLOSED_STATUSES,
    LIVE_MATCH_STATUSES,
    AssignmentStatus,
    AuditAction,
    ConsentMethod,
    ConsentPurpose,
    MatchStatus,
    MembershipStatus,
    RequestStatus,
    Role,
)
from tests.node.conftest import TEST_AREAS, TEST_SETTINGS
from tests.node.factories import Factory
from wijknet.web.config import write_instance_file

NOW = datetime(2026, 11, 20, 13, 30, tzinfo=UTC)
TODAY = NOW.astimezone(AMSTERDAM).date()
BUURTEN = set(TEST_AREAS["buurten"])

# Organisations and people named in the background texts (/work/shared/seeds): never in example data.
REAL_NAMES = (
    "SAMEN030", "Verenigbare Club", "WeHelpen", "Spectrum", "ToekomstSterk", "Social Impact Factory",
    "Incluzio", "Wijk & Co", "Buurtwelzijn", "Mijnbuurtje", "Hollandsch Welvaren", "Initiate", "VNG",
    "Krachtstation", "Zuid doet Samen", "Zorgvrijstaat", "Hollandsche veld", "Ars Memorandi", "KNHM",
    "Offspring", "Present Deventer", "Present Nederland", "Sociaal Tuinieren", "Galgenwaard",
    "Nieuwe Sociale Praktijk", "Tankink", "Deny de Jong", "Suzanne Kooij", "Frank van Bussel", "Pieter Cnossen",
)  # fmt: skip


def make_data(app: Flask, *, months: int = 3, seed: int = 7) -> DemoSummary:
    with app.app_context():
        summary = generate(seed=seed, months=months, now=NOW)
        db.session.commit()
    return summary


def rows(model: Any) -> list[Any]:
    return list(db.session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


def local_day(instant: datetime) -> Any:
    return instant.astimezone(AMSTERDAM).date()


def test_requests_and_matches_keep_the_workflow_rules(app: Flask) -> None:
    make_data(app)
    with app.app_context():
        matches_by_request: dict[int, list[Match]] = {}
        for match in rows(Match):
            matches_by_request.setdefault(match.request_id, []).append(match)
        requests = rows(HelpRequest)
        assert len(requests) > 20
        for r in requests:
            matches = matches_by_request.get(r.id, [])
            accepted = [m.responded_at for m in matches if m.responded_at and m.status != MatchStatus.DECLINED]
            assert r.matched_at == (min(accepted) if accepted else None), r.id  # the first accepted match
            assert r.waiting_hours == (None if r.matched_at is None else waiting_hours(r.created_at, r.matched_at))
            assert (r.closed_at is not None) == (r.status in CLOSED_STATUSES), r.id
            assert (r.referral_to is not None) == (r.status == RequestStatus.REFERRED), r.id
            if r.status == RequestStatus.IN_PROGRESS:
                assert r.started_at is not None, r.id
            if r.status in (RequestStatus.OPEN, RequestStatus.MATCHED):
                assert r.started_at is None, r.id
            statuses = {m.status for m in matches}
            if r.status in (RequestStatus.MATCHED, RequestStatus.IN_PROGRESS):
                assert MatchStatus.ACCEPTED in statuses, r.id
            if r.status == RequestStatus.OPEN:
                assert MatchStatus.ACCEPTED not in statuses and MatchStatus.COMPLETED not in statuses, r.id
            if r.is_closed:
                assert not statuses & LIVE_MATCH_STATUSES, r.id
            steps = [r.created_at, r.matched_at, r.started_at, r.closed_at]
            present = [s for s in steps if s is not None]
            assert present == sorted(present) and present[-1] <= NOW, r.id
            assert r.created_at <= r.updated_at <= NOW, r.id
            assert r.buurt_code in BUURTEN and r.category in CATEGORY_CODES
            for m in matches:
                assert m.category == r.category, m.id  # counted under its request's category
                assert r.created_at <= m.proposed_at, m.id
                assert m.volunteer_id != r.requester_id
                assert m.volunteer.has_role(Role.VOLUNTEER)
                if m.status == MatchStatus.PROPOSED:
                    assert m.responded_at is None, m.id
                assert (m.completed_at is not None) == (m.status == MatchStatus.COMPLETED), m.id
                assert (m.withdrawn_at is not None) == (m.status == MatchStatus.WITHDRAWN), m.id
                for later in (m.responded_at, m.completed_at, m.withdrawn_at):
                    assert later is None or m.proposed_at <= later <= NOW, m.id
                if m.status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED, MatchStatus.DECLINED):
                    assert m.responded_at is not None, m.id


def test_every_status_of_the_workflow_occurs(app: Flask) -> None:
    summary = make_data(app, months=6)
    assert set(summary.requests) == {s.value for s in RequestStatus}
    assert set(summary.matches) == {s.value for s in MatchStatus}


def test_requesters_had_consent_and_membership(app: Flask) -> None:
    make_data(app)
    with app.app_context():
        for r in rows(HelpRequest):
            member = r.requester
            consents = [c for c in member.consents if c.purpose == ConsentPurpose.MEMBERSHIP]
            assert any(c.given_at <= r.created_at for c in consents), r.id
            assert member.joined_on <= local_day(r.created_at)
            assert member.left_on is None or local_day(r.created_at) <= member.left_on
        for member in rows(Member):
            assert (member.left_on is not None) == (member.status == MembershipStatus.ENDED), member.id
            assert member.left_on is None or member.joined_on <= member.left_on <= TODAY
            assert member.buurt_code in BUURTEN
            assert any(c.purpose == ConsentPurpose.MEMBERSHIP for c in member.consents), member.id
        coordinators = {r.member_id for r in rows(MemberRole) if r.role == Role.COORDINATOR}
        for consent in rows(Consent):
            assert consent.on_behalf == (consent.recorded_by_id is not None), consent.id
            if consent.on_behalf:
                assert consent.method != ConsentMethod.ONLINE and consent.recorded_by_id in coordinators
            assert consent.withdrawn_at is None or consent.given_at < consent.withdrawn_at <= NOW


def test_hours_belong_to_accepted_matches_or_running_assignments(app: Flask) -> None:
    make_data(app)
    with app.app_context():
        logs = rows(TimeLog)
        assert any(log.match_id for log in logs) and any(log.assignment_id for log in logs)
        for log in logs:
            assert (log.match_id is None) != (log.assignment_id is None)
            assert log.category == (log.match or log.assignment).category, log.id
            assert 0 < log.hours <= 24
            assert log.worked_on <= TODAY and local_day(log.created_at) >= log.worked_on and log.created_at <= NOW
            if log.match is not None:
                assert not log.paid and log.member_id == log.match.volunteer_id
                assert log.match.responded_at is not None and log.match.status != MatchStatus.DECLINED
                assert log.worked_on >= local_day(log.match.responded_at)
            else:
                assignment = log.assignment
                assert log.paid == assignment.paid
                assert assignment.status not in (AssignmentStatus.PLANNED,)
                assert assignment.starts_on <= log.worked_on
                assert assignment.ends_on is None or log.worked_on <= assignment.ends_on


def test_assignments_offers_and_activities_are_consistent(app: Flask) -> None:
    make_data(app)
    with app.app_context():
        assignments = rows(Assignment)
        assert assignments
        for a in assignments:
            assert sum((i.amount_eur for i in a.invoices), start=0) <= a.budget_eur, a.id
            assert all(a.starts_on <= i.invoiced_on <= TODAY for i in a.invoices), a.id
            assert (a.ends_on is not None) == (a.status in (AssignmentStatus.DONE, AssignmentStatus.CANCELLED))
            if a.status == AssignmentStatus.PLANNED:
                assert not a.invoices
        for offer in rows(HelpOffer):
            changes = offer.status_changes
            assert changes[0].changed_at == offer.created_at and changes[-1].status == offer.status, offer.id
            assert [c.changed_at for c in changes] == sorted(c.changed_at for c in changes)
            assert changes[-1].changed_at <= NOW and offer.volunteer.has_role(Role.VOLUNTEER)
        held = rows(Activity)
        assert held and all(a.held_on <= TODAY and a.participants >= 0 for a in held)
        assert {a.category for a in held} <= set(CATEGORY_CODES)


def test_same_seed_same_data_other_seed_other_data(app: Flask, tmp_path: Path) -> None:
    """The same seed and moment give the same rows, even on another database."""
    make_data(app)
    other = tmp_path / "other"
    write_instance_file(other / "node.toml", TEST_AREAS)
    twin = create_app(other, {**TEST_SETTINGS, "database_url": f"sqlite:///{other / 'twin.sqlite3'}"})
    with twin.app_context():
        db.create_all()
    make_data(twin)
    different = tmp_path / "different"
    write_instance_file(different / "node.toml", TEST_AREAS)
    stranger = create_app(different, {**TEST_SETTINGS, "database_url": f"sqlite:///{different / 'x.sqlite3'}"})
    with stranger.app_context():
        db.create_all()
    make_data(stranger, seed=8)
    try:
        assert fingerprint(app) == fingerprint(twin)
        assert fingerprint(app) != fingerprint(stranger)
    finally:
        for application in (twin, stranger):
            with application.app_context():
                db.engine.dispose()


def fingerprint(app: Flask) -> list[tuple[str, list[tuple[Any, ...]]]]:
    with app.app_context():
        tables = []
        for table in db.metadata.sorted_tables:
            result = db.session.execute(select(table).order_by(*table.primary_key.columns))
            tables.append((table.name, [tuple(row) for row in result]))
        return tables


def count_requests(category: str, period: str) -> int:
    stmt = select(func.count()).where(
        HelpRequest.category == category,
        HelpRequest.created_at >= period_start(period),
        HelpRequest.created_at < period_end(period),
    )
    return db.session.scalar(stmt) or 0


def test_example_data_goes_only_into_a_new_node(app: Flask, make: Factory) -> None:
    make.member()
    with app.app_context(), pytest.raises(ValueError, match="has members already"):
        generate(seed=1, months=2, now=NOW)


def test_tables_name_only_the_protocols_categories() -> None:
    codes = set(CATEGORY_CODES)
    for every in (seasons.BASE_DEMAND, seasons.SUPPLY, texts.REQUESTS, texts.OFFERS, corrections.MISFILED):
        assert set(every) == codes
    for some in (seasons.SEASON, seasons.WAIT_FACTOR, seasons.RECURRING, texts.REFERRALS):
        assert set(some) <= codes
    used = {t.category for t in work.TEMPLATES} | {s.category for s in activities.SCHEDULE}
    used |= set(corrections.MISFILED.values()) | set(people.EXAMPLE_VOLUNTEER_SKILLS)
    assert used <= codes
    assert all(len(months) == 12 for months in seasons.SEASON.values())


def test_a_year_shows_the_seasons_and_every_category(app: Flask) -> None:
    make_data(app, months=12)
    with app.app_context():
        assert count_requests("garden", "2026-06") > count_requests("garden", "2026-01")
        paperwork_spring = sum(count_requests("paperwork", f"2026-0{m}") for m in (1, 2, 3, 4, 5))
        paperwork_summer = sum(count_requests("paperwork", f"2026-{m:02d}") for m in (6, 7, 8, 9, 10))
        assert paperwork_spring > paperwork_summer
        categories = set(db.session.scalars(select(HelpRequest.category).distinct()))
        assert categories == set(CATEGORY_CODES)


def test_late_corrections_change_finished_months(app: Flask) -> None:
    summary = make_data(app, months=6)
    kinds = {c["kind"] for c in summary.corrections}
    assert kinds == {CorrectionKind.LATE_TIME_LOG, CorrectionKind.REQUEST_CATEGORY}
    with app.app_context():
        late = [
            log
            for log in rows(TimeLog)
            if log.created_at >= period_end(period_of_date(log.worked_on)) + timedelta(days=14)
        ]
        assert len(late) >= 2
        for correction in summary.corrections:
            assert correction["at"] <= NOW
            if correction["kind"] == CorrectionKind.REQUEST_CATEGORY:
                request = db.session.get(HelpRequest, correction["subject_id"])
                assert request is not None
                assert request.category == correction["after"] != correction["before"]
                assert correction["at"] >= period_end(correction["period"])
                assert request.closed_at is None or correction["at"] < request.closed_at
        audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.UPDATE))
        assert any(event.detail == "fields: category" for event in audited)


def test_no_real_organisations_or_people_named(app: Flask) -> None:
    make_data(app)
    pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in REAL_NAMES), re.IGNORECASE)
    with app.app_context():
        written = [
            *db.session.scalars(select(Member.name)),
            *db.session.scalars(select(Member.street_address)),
            *db.session.scalars(select(Member.notes)),
            *db.session.scalars(select(Partner.name)),
            *db.session.scalars(select(Assignment.title)),
            *db.session.scalars(select(Assignment.description)),
            *db.session.scalars(select(Activity.title)),
            *db.session.scalars(select(Activity.location)),
            *db.session.scalars(select(HelpRequest.description)),
            *db.session.scalars(select(HelpRequest.closing_note)),
            *db.session.scalars(select(HelpOffer.description)),
        ]
        partners = list(db.session.scalars(select(Partner.name)))
    assert len(written) > 300
    assert [t for t in written if t and pattern.search(t)] == []
    assert partners and all(name.endswith("(voorbeeld)") for name in partners)


@pytest.mark.parametrize("role", list(EXAMPLE_EMAILS))
def test_example_members_have_a_history(app: Flask, role: Role) -> None:
    make_data(app)
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.email == EXAMPLE_EMAILS[role]))
        assert member is not None and member.has_role(role)
        if role == Role.VOLUNTEER:
            assert db.session.scalar(select(func.count()).where(Match.volunteer_id == member.id))
        if role == Role.MEMBER:
            assert db.session.scalar(select(func.count()).where(HelpRequest.requester_id == member.id))


def test_example_accounts_log_in_and_the_token_reads_requests(app: Flask) -> None:
    make_data(app)
    with app.app_context():
        accounts = create_example_accounts()
        db.session.commit()
    assert accounts.password == EXAMPLE_PASSWORD
    client = app.test_client()
    response = client.get("/api/v1/help-requests", headers={"Authorization": f"Bearer {accounts.coordinator_token}"})
    assert response.status_code == 200 and response.json is not None
    assert response.json["total"] > 20
    with app.app_context():
        for email in accounts.emails.values():
            assert login(email, EXAMPLE_PASSWORD, "test").outcome == LoginOutcome.OK
        db.session.rollback()
