"""Who may do what: every endpoint of the API, every method, every role.

Each row names an endpoint and the outcome for six callers: nobody
(anonymous), a member acting on their own data, a member acting on someone
else's, a volunteer (the volunteer side of a match, an offer or hours where
the resource has one, otherwise someone unrelated), a coordinator and an
administrator (who is not also a coordinator). Allowed calls are made with
real objects and valid bodies, so they must succeed (2xx); refused ones must
be 401, 403, or 404 where the API hides that the thing exists.

A new endpoint without a row fails `test_every_endpoint_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from node.accounts.models import ApiToken
from node.accounts.services import hash_token
from node.extensions import db
from node.federation.models import OutboxItem, OutboxKind, OutboxState
from schemas.node.codes import MatchStatus, Role
from tests.node.api.conftest import PASSWORD, assert_problem
from tests.node.factories import Factory

ROLES = ("anonymous", "member_self", "member_other", "volunteer", "coordinator", "admin")
TOKEN_ROLE = {
    "member_self": Role.MEMBER,
    "member_other": Role.MEMBER,
    "volunteer": Role.VOLUNTEER,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
}
OK = "ok"
NEW_PASSWORD = "another long pass phrase"


Callers = dict[str, tuple[int, dict[str, str]]]


@dataclass
class Scene:
    """The caller for one case and the objects the call is about, made on demand."""

    make: Factory
    role: str
    actor: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_role(cls, make: Factory, callers: Callers, role: str, *, fresh: bool) -> Scene:
        """The caller: one per role for the module, or a new one for calls that change the caller."""
        if role == "anonymous":
            return cls(make, role)
        if fresh:
            actor, headers = make.person(TOKEN_ROLE[role], password=PASSWORD)
            return cls(make, role, actor, headers)
        if role not in callers:
            callers[role] = make.person(TOKEN_ROLE[role], password=PASSWORD)
        actor, headers = callers[role]
        return cls(make, role, actor, headers)

    @cached_property
    def owner(self) -> int:
        """The member whose data it is: the caller when acting on their own."""
        return self.actor if self.role == "member_self" and self.actor else self.make.member()

    @cached_property
    def helper(self) -> int:
        """The volunteer side: the caller in the volunteer column, else another volunteer."""
        if self.role in ("member_self", "volunteer") and self.actor:
            self.make.grant(self.actor, Role.VOLUNTEER)
            return self.actor
        return self.make.member(roles=(Role.VOLUNTEER,))

    @cached_property
    def request(self) -> int:
        """The owner's request; the volunteer column is proposed for it."""
        request_id = self.make.help_request(self.owner)
        if self.role == "volunteer":
            self.make.match(request_id, self.helper)
        return request_id

    @cached_property
    def match(self) -> int:
        """The owner's request with the helper proposed."""
        return self.make.match(self.make.help_request(self.owner), self.helper_on_match)

    @cached_property
    def helper_on_match(self) -> int:
        # A member acting on their own match is its requester, not its volunteer.
        if self.role == "member_self":
            return self.make.member(roles=(Role.VOLUNTEER,))
        return self.helper

    @cached_property
    def accepted_match(self) -> int:
        """An accepted match with the helper as its volunteer (for hours)."""
        return self.make.match(self.make.help_request(self.make.member()), self.helper, MatchStatus.ACCEPTED)

    @cached_property
    def time_log(self) -> int:
        return self.make.time_log(self.helper, match_id=self.accepted_match, by=self.helper)

    @cached_property
    def partner(self) -> int:
        return self.make.partner()

    @cached_property
    def assignment(self) -> int:
        return self.make.assignment(self.partner, status="active")

    def token_id(self) -> int:
        raw = self.make.token(None, Role.COORDINATOR)
        query = select(ApiToken.id).where(ApiToken.token_hash == hash_token(raw))
        return self.make.query(lambda: db.session.scalar(query))

    def failed_message(self) -> int:
        """A report the hub refused, waiting in the outbox for the administrator."""

        def add() -> int:
            item = OutboxItem(
                kind=OutboxKind.REPORT, subject_id="00000000-0000-4000-8000-000000000000", period="2026-10",
                revision=1, body="a.b.c", media_type="application/jose", endpoint="reports",
                state=OutboxState.FAILED, last_error='{"code": "node_suspended"}',
            )  # fmt: skip
            db.session.add(item)
            db.session.commit()
            return item.id

        return self.make.query(add)


Call = Callable[[Scene], tuple[str, dict[str, Any] | None]]


def at(path: str, body: dict[str, Any] | None = None) -> Call:
    """A call to a fixed path."""
    return lambda scene: (path, body)


def expect(outcomes: str) -> dict[str, str]:
    """`"401 ok 403 403 ok ok"`: one outcome per role, in the order of ROLES."""
    values = outcomes.split()
    assert len(values) == len(ROLES)
    return dict(zip(ROLES, values, strict=True))


STAFF_ONLY = "401 403 403 403 ok 403"
ADMIN_ONLY = "401 403 403 403 403 ok"
LOGGED_IN = "401 ok ok ok ok ok"
PUBLIC = "ok ok ok ok ok ok"
OWN_OR_STAFF = "401 ok 404 ok ok 404"
NEEDS_ANALYSTS = "401 403 403 403 ok ok"
TODAY = date.today().isoformat()

# (method, rule) -> (how to call it, who may)
MATRIX: dict[tuple[str, str], tuple[Call, str]] = {
    # reference and documentation
    ("GET", "/api/v1/openapi.json"): (at("/api/v1/openapi.json"), PUBLIC),
    ("GET", "/api/v1/docs"): (at("/api/v1/docs"), PUBLIC),
    ("GET", "/api/v1/docs/assets/<path:filename>"): (at("/api/v1/docs/assets/swagger-ui.css"), PUBLIC),
    ("GET", "/api/v1/areas"): (at("/api/v1/areas"), PUBLIC),
    ("GET", "/api/v1/categories"): (at("/api/v1/categories"), PUBLIC),
    # members
    ("GET", "/api/v1/members"): (at("/api/v1/members"), "401 403 403 403 ok ok"),
    ("POST", "/api/v1/members"): (at("/api/v1/members", {"name": "Nieuw Lid"}), "401 403 403 403 ok ok"),
    ("GET", "/api/v1/members/me"): (at("/api/v1/members/me"), LOGGED_IN),
    ("PUT", "/api/v1/members/me/password"): (
        at("/api/v1/members/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        LOGGED_IN,
    ),
    ("GET", "/api/v1/members/<id:member_id>"): (
        lambda s: (f"/api/v1/members/{s.owner}", None),
        "401 ok 403 403 ok ok",
    ),
    ("PATCH", "/api/v1/members/<id:member_id>"): (
        lambda s: (f"/api/v1/members/{s.owner}", {"phone": "030 123 4567"}),
        "401 ok 403 403 ok ok",
    ),
    ("PUT", "/api/v1/members/<id:member_id>/roles"): (
        lambda s: (f"/api/v1/members/{s.owner}/roles", {"roles": ["volunteer"]}),
        ADMIN_ONLY,
    ),
    ("PUT", "/api/v1/members/<id:member_id>/password"): (
        lambda s: (f"/api/v1/members/{s.owner}/password", {"password": NEW_PASSWORD}),
        ADMIN_ONLY,
    ),
    ("GET", "/api/v1/members/<id:member_id>/consents"): (
        lambda s: (f"/api/v1/members/{s.owner}/consents", None),
        "401 ok 403 403 ok ok",
    ),
    ("POST", "/api/v1/members/<id:member_id>/consents"): (
        lambda s: (f"/api/v1/members/{s.owner}/consents", {"purpose": "newsletter", "method": "paper"}),
        "401 ok 403 403 ok 403",
    ),
    ("POST", "/api/v1/members/<id:member_id>/consents/<id:consent_id>/withdrawal"): (
        lambda s: (f"/api/v1/members/{s.owner}/consents/{s.make.consent(s.owner)}/withdrawal", None),
        "401 ok 403 403 ok 403",
    ),
    ("GET", "/api/v1/members/<id:member_id>/export"): (
        lambda s: (f"/api/v1/members/{s.owner}/export", None),
        "401 ok 403 403 ok ok",
    ),
    ("POST", "/api/v1/members/<id:member_id>/erasure"): (
        lambda s: (f"/api/v1/members/{s.owner}/erasure", {"confirm": True}),
        "401 ok 403 403 403 ok",
    ),
    # help requests
    ("GET", "/api/v1/help-requests"): (at("/api/v1/help-requests"), LOGGED_IN),
    ("POST", "/api/v1/help-requests"): (
        lambda s: ("/api/v1/help-requests", {"requester_id": s.owner, "category": "shopping"}),
        "401 ok 403 403 ok 403",
    ),
    ("GET", "/api/v1/help-requests/<id:request_id>"): (
        lambda s: (f"/api/v1/help-requests/{s.request}", None),
        OWN_OR_STAFF,
    ),
    ("PATCH", "/api/v1/help-requests/<id:request_id>"): (
        lambda s: (f"/api/v1/help-requests/{s.request}", {"urgency": "high"}),
        "401 ok 404 403 ok 404",
    ),
    ("PUT", "/api/v1/help-requests/<id:request_id>/status"): (
        lambda s: (f"/api/v1/help-requests/{s.request}/status", {"status": "cancelled"}),
        "401 ok 404 403 ok 404",
    ),
    ("GET", "/api/v1/help-requests/<id:request_id>/suggestions"): (
        lambda s: (f"/api/v1/help-requests/{s.request}/suggestions", None),
        STAFF_ONLY,
    ),
    # help offers
    ("GET", "/api/v1/help-offers"): (at("/api/v1/help-offers"), LOGGED_IN),
    ("POST", "/api/v1/help-offers"): (
        lambda s: ("/api/v1/help-offers", {"volunteer_id": s.helper, "categories": ["shopping"]}),
        "401 ok 403 ok ok 403",
    ),
    ("GET", "/api/v1/help-offers/<id:offer_id>"): (
        lambda s: (f"/api/v1/help-offers/{s.make.offer(s.helper)}", None),
        OWN_OR_STAFF,
    ),
    ("PATCH", "/api/v1/help-offers/<id:offer_id>"): (
        lambda s: (f"/api/v1/help-offers/{s.make.offer(s.helper)}", {"frequency": "weekly"}),
        OWN_OR_STAFF,
    ),
    # matches
    ("GET", "/api/v1/matches"): (at("/api/v1/matches"), LOGGED_IN),
    ("POST", "/api/v1/matches"): (
        lambda s: (
            "/api/v1/matches",
            {"request_id": s.make.help_request(s.owner), "volunteer_id": s.helper_on_match},
        ),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/matches/<id:match_id>"): (lambda s: (f"/api/v1/matches/{s.match}", None), OWN_OR_STAFF),
    ("PUT", "/api/v1/matches/<id:match_id>/status"): (
        lambda s: (f"/api/v1/matches/{s.match}/status", {"status": "accepted"}),
        "401 403 404 ok ok 404",
    ),
    # hours
    ("GET", "/api/v1/time-logs"): (at("/api/v1/time-logs"), LOGGED_IN),
    ("POST", "/api/v1/time-logs"): (
        lambda s: (
            "/api/v1/time-logs",
            {"member_id": s.helper, "match_id": s.accepted_match, "worked_on": TODAY, "hours": "1.5"},
        ),
        "401 ok 403 ok ok 403",
    ),
    ("GET", "/api/v1/time-logs/<id:log_id>"): (lambda s: (f"/api/v1/time-logs/{s.time_log}", None), OWN_OR_STAFF),
    ("PATCH", "/api/v1/time-logs/<id:log_id>"): (
        lambda s: (f"/api/v1/time-logs/{s.time_log}", {"hours": "2.25"}),
        OWN_OR_STAFF,
    ),
    ("DELETE", "/api/v1/time-logs/<id:log_id>"): (
        lambda s: (f"/api/v1/time-logs/{s.time_log}", None),
        OWN_OR_STAFF,
    ),
    # partners, assignments, invoices
    ("GET", "/api/v1/partners"): (at("/api/v1/partners"), STAFF_ONLY),
    ("POST", "/api/v1/partners"): (
        lambda s: ("/api/v1/partners", {"name": f"Woningcorporatie {s.role}", "kind": "housing_corporation"}),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/partners/<id:partner_id>"): (lambda s: (f"/api/v1/partners/{s.partner}", None), STAFF_ONLY),
    ("PATCH", "/api/v1/partners/<id:partner_id>"): (
        lambda s: (f"/api/v1/partners/{s.partner}", {"kind": "company"}),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/assignments"): (at("/api/v1/assignments"), STAFF_ONLY),
    ("POST", "/api/v1/assignments"): (
        lambda s: (
            "/api/v1/assignments",
            {"partner_id": s.partner, "title": "Groen onderhoud", "category": "garden", "starts_on": "2026-01-05"},
        ),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/assignments/<id:assignment_id>"): (
        lambda s: (f"/api/v1/assignments/{s.assignment}", None),
        STAFF_ONLY,
    ),
    ("PATCH", "/api/v1/assignments/<id:assignment_id>"): (
        lambda s: (f"/api/v1/assignments/{s.assignment}", {"title": "Trappenhuizen en gangen"}),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/assignments/<id:assignment_id>/invoices"): (
        lambda s: (f"/api/v1/assignments/{s.assignment}/invoices", None),
        STAFF_ONLY,
    ),
    ("POST", "/api/v1/assignments/<id:assignment_id>/invoices"): (
        lambda s: (f"/api/v1/assignments/{s.assignment}/invoices", {"invoiced_on": TODAY, "amount_eur": "250.00"}),
        STAFF_ONLY,
    ),
    # activities
    ("GET", "/api/v1/activities"): (at("/api/v1/activities"), LOGGED_IN),
    ("POST", "/api/v1/activities"): (
        at("/api/v1/activities", {"title": "Koffie-ochtend", "category": "social", "held_on": TODAY}),
        STAFF_ONLY,
    ),
    ("GET", "/api/v1/activities/<id:activity_id>"): (
        lambda s: (f"/api/v1/activities/{s.make.activity()}", None),
        LOGGED_IN,
    ),
    ("PATCH", "/api/v1/activities/<id:activity_id>"): (
        lambda s: (f"/api/v1/activities/{s.make.activity()}", {"participants": 12}),
        STAFF_ONLY,
    ),
    ("DELETE", "/api/v1/activities/<id:activity_id>"): (
        lambda s: (f"/api/v1/activities/{s.make.activity()}", None),
        STAFF_ONLY,
    ),
    # the needs analysis
    ("GET", "/api/v1/needs-analysis"): (at("/api/v1/needs-analysis"), NEEDS_ANALYSTS),
    # administration
    ("GET", "/api/v1/api-tokens"): (at("/api/v1/api-tokens"), ADMIN_ONLY),
    ("POST", "/api/v1/api-tokens"): (at("/api/v1/api-tokens", {"name": "planning", "role": "coordinator"}), ADMIN_ONLY),
    ("DELETE", "/api/v1/api-tokens/<id:token_id>"): (
        lambda s: (f"/api/v1/api-tokens/{s.token_id()}", None),
        ADMIN_ONLY,
    ),
    ("GET", "/api/v1/settings"): (at("/api/v1/settings"), ADMIN_ONLY),
    ("PATCH", "/api/v1/settings"): (at("/api/v1/settings", {"min_count": 6}), ADMIN_ONLY),
    ("GET", "/api/v1/audit-events"): (at("/api/v1/audit-events"), ADMIN_ONLY),
    # reporting to the hub
    ("GET", "/api/v1/federation"): (at("/api/v1/federation"), ADMIN_ONLY),
    ("GET", "/api/v1/federation/outbox"): (at("/api/v1/federation/outbox"), ADMIN_ONLY),
    ("POST", "/api/v1/federation/outbox/<id:item_id>/retry"): (
        lambda s: (f"/api/v1/federation/outbox/{s.failed_message()}/retry", None),
        ADMIN_ONLY,
    ),
}

# Calls that change the caller themself (their password, their existence) get a caller of their own.
CHANGES_CALLER = {
    ("PUT", "/api/v1/members/me/password"),
    ("POST", "/api/v1/members/<id:member_id>/erasure"),
}

CASES = [pytest.param(method, rule, role, id=f"{method} {rule} {role}") for (method, rule) in MATRIX for role in ROLES]


@pytest.fixture(scope="module")
def callers(shared_make: Factory) -> Callers:
    """The callers made so far in this module's database, by role."""
    return {}


def api_endpoints(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_endpoint_has_a_row(shared_app: Flask) -> None:
    endpoints = api_endpoints(shared_app)
    missing = sorted(endpoints - set(MATRIX))
    assert not missing, f"endpoints without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


@pytest.mark.parametrize(("method", "rule", "role"), CASES)
def test_who_may_do_what(
    shared_client: FlaskClient, shared_make: Factory, callers: Callers, method: str, rule: str, role: str
) -> None:
    call, outcomes = MATRIX[(method, rule)]
    scene = Scene.for_role(shared_make, callers, role, fresh=(method, rule) in CHANGES_CALLER)
    path, body = call(scene)
    wanted = expect(outcomes)[role]
    with shared_client.open(path, method=method, json=body, headers=scene.headers) as response:
        if wanted == OK:
            assert 200 <= response.status_code < 300, response.get_data(as_text=True)[:500]
        else:
            assert_problem(response, int(wanted))
