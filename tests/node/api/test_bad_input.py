"""Bad input of any kind gets a clear 4xx problem document and changes nothing.

Every endpoint that takes a body is called with a valid body broken in one
way at a time: a field of the wrong type, too long, with NUL bytes or control
characters, out of range, an unknown code, an impossible date, an id that does
not exist on this node; a missing required field; an unknown field; malformed
or non-JSON bodies; bodies over the 1 MiB limit; path ids that do not exist.
The bad values come from the endpoint's own marshmallow schema, so a field
added later is tested too. After each group the whole database must be as it
was before:
every table holds as many rows as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask, json
from flask.testing import FlaskClient
from marshmallow import Schema, fields

from schemas.fields import CleanString, Code, Id, NormalisedEmail, Postcode
from schemas.node.activities import ActivityIn, ActivityPatch
from schemas.node.admin import ApiTokenIn, SettingsPatch
from schemas.node.codes import MatchStatus, Role
from schemas.node.help import HelpOfferIn, HelpOfferPatch, HelpRequestIn, HelpRequestPatch, RequestStatusIn
from schemas.node.matching import MatchIn, MatchStatusIn
from schemas.node.members import ConsentIn, MemberIn, MemberPatch, PasswordChangeIn, PasswordIn, RolesIn
from schemas.node.privacy import ErasureIn
from schemas.node.work import AssignmentIn, AssignmentPatch, InvoiceIn, PartnerIn, PartnerPatch, TimeLogIn, TimeLogPatch
from tests.node.api.conftest import PASSWORD, assert_problem, error_fields, row_counts
from tests.node.factories import Factory

TODAY = date.today().isoformat()
NOT_ON_THIS_NODE = 2**31 - 1  # a valid id that no row here has: another node's, say
MEGABYTE_STRING = "x" * 1_000_000  # a body just under the 1 MiB limit


@dataclass
class Targets:
    """Objects the valid bodies refer to, made once per module."""

    coordinator: dict[str, str]
    admin: dict[str, str]
    member: int
    volunteer: int
    consent: int
    request: int
    proposed_match: int
    accepted_match: int
    offer: int
    time_log: int
    partner: int
    assignment: int
    activity: int


@pytest.fixture(scope="module")
def targets(shared_make: Factory) -> Targets:
    make = shared_make
    _, coordinator = make.person(Role.COORDINATOR, password=PASSWORD)
    _, admin = make.person(Role.ADMIN)
    member = make.member()
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    request = make.help_request(member)
    accepted = make.match(make.help_request(member), volunteer, MatchStatus.ACCEPTED)
    partner = make.partner()
    return Targets(
        coordinator=coordinator,
        admin=admin,
        member=member,
        volunteer=volunteer,
        consent=make.consent(member),
        request=request,
        proposed_match=make.match(make.help_request(member), make.member(roles=(Role.VOLUNTEER,))),
        accepted_match=accepted,
        offer=make.offer(volunteer),
        time_log=make.time_log(volunteer, match_id=accepted),
        partner=partner,
        assignment=make.assignment(partner, status="active"),
        activity=make.activity(),
    )


@dataclass(frozen=True)
class Endpoint:
    schema: type[Schema] | None  # what the body is loaded with (checked against the app's own)
    path: Callable[[Targets], str]
    body: Callable[[Targets], dict[str, Any] | None]
    admin: bool = False  # called with the administrator's token, else the coordinator's


# (method, rule) -> a valid call. Path ids are replaced by ones that do not exist in the path tests.
ENDPOINTS: dict[tuple[str, str], Endpoint] = {
    ("POST", "/api/v1/members"): Endpoint(MemberIn, lambda t: "/api/v1/members", lambda t: {"name": "Nieuw Lid"}),
    ("PUT", "/api/v1/members/me/password"): Endpoint(
        PasswordChangeIn,
        lambda t: "/api/v1/members/me/password",
        lambda t: {"current_password": PASSWORD, "new_password": "another long pass phrase"},
    ),
    ("PATCH", "/api/v1/members/<id:member_id>"): Endpoint(
        MemberPatch, lambda t: f"/api/v1/members/{t.member}", lambda t: {"phone": "030 123 4567"}
    ),
    ("PUT", "/api/v1/members/<id:member_id>/roles"): Endpoint(
        RolesIn, lambda t: f"/api/v1/members/{t.member}/roles", lambda t: {"roles": ["volunteer"]}, admin=True
    ),
    ("PUT", "/api/v1/members/<id:member_id>/password"): Endpoint(
        PasswordIn,
        lambda t: f"/api/v1/members/{t.member}/password",
        lambda t: {"password": "a new long pass phrase"},
        admin=True,
    ),
    ("POST", "/api/v1/members/<id:member_id>/consents"): Endpoint(
        ConsentIn, lambda t: f"/api/v1/members/{t.member}/consents", lambda t: {"purpose": "photos", "method": "paper"}
    ),
    ("POST", "/api/v1/members/<id:member_id>/consents/<id:consent_id>/withdrawal"): Endpoint(
        None, lambda t: f"/api/v1/members/{t.member}/consents/{t.consent}/withdrawal", lambda t: None
    ),
    ("POST", "/api/v1/members/<id:member_id>/erasure"): Endpoint(
        ErasureIn, lambda t: f"/api/v1/members/{t.member}/erasure", lambda t: {"confirm": True}, admin=True
    ),
    ("POST", "/api/v1/help-requests"): Endpoint(
        HelpRequestIn, lambda t: "/api/v1/help-requests", lambda t: {"requester_id": t.member, "category": "shopping"}
    ),
    ("PATCH", "/api/v1/help-requests/<id:request_id>"): Endpoint(
        HelpRequestPatch, lambda t: f"/api/v1/help-requests/{t.request}", lambda t: {"urgency": "high"}
    ),
    ("PUT", "/api/v1/help-requests/<id:request_id>/status"): Endpoint(
        RequestStatusIn, lambda t: f"/api/v1/help-requests/{t.request}/status", lambda t: {"status": "cancelled"}
    ),
    ("POST", "/api/v1/help-offers"): Endpoint(
        HelpOfferIn, lambda t: "/api/v1/help-offers", lambda t: {"volunteer_id": t.volunteer, "categories": ["garden"]}
    ),
    ("PATCH", "/api/v1/help-offers/<id:offer_id>"): Endpoint(
        HelpOfferPatch, lambda t: f"/api/v1/help-offers/{t.offer}", lambda t: {"frequency": "weekly"}
    ),
    ("POST", "/api/v1/matches"): Endpoint(
        MatchIn, lambda t: "/api/v1/matches", lambda t: {"request_id": t.request, "volunteer_id": t.volunteer}
    ),
    ("PUT", "/api/v1/matches/<id:match_id>/status"): Endpoint(
        MatchStatusIn, lambda t: f"/api/v1/matches/{t.proposed_match}/status", lambda t: {"status": "accepted"}
    ),
    ("POST", "/api/v1/time-logs"): Endpoint(
        TimeLogIn,
        lambda t: "/api/v1/time-logs",
        lambda t: {"member_id": t.volunteer, "match_id": t.accepted_match, "worked_on": TODAY, "hours": "1.5"},
    ),
    ("PATCH", "/api/v1/time-logs/<id:log_id>"): Endpoint(
        TimeLogPatch, lambda t: f"/api/v1/time-logs/{t.time_log}", lambda t: {"hours": "2.5"}
    ),
    ("POST", "/api/v1/partners"): Endpoint(
        PartnerIn, lambda t: "/api/v1/partners", lambda t: {"name": "Zorggroep Oost", "kind": "care_provider"}
    ),
    ("PATCH", "/api/v1/partners/<id:partner_id>"): Endpoint(
        PartnerPatch, lambda t: f"/api/v1/partners/{t.partner}", lambda t: {"kind": "company"}
    ),
    ("POST", "/api/v1/assignments"): Endpoint(
        AssignmentIn,
        lambda t: "/api/v1/assignments",
        lambda t: {"partner_id": t.partner, "title": "Snoeien", "category": "garden", "starts_on": "2026-02-01"},
    ),
    ("PATCH", "/api/v1/assignments/<id:assignment_id>"): Endpoint(
        AssignmentPatch, lambda t: f"/api/v1/assignments/{t.assignment}", lambda t: {"title": "Snoeien en maaien"}
    ),
    ("POST", "/api/v1/assignments/<id:assignment_id>/invoices"): Endpoint(
        InvoiceIn,
        lambda t: f"/api/v1/assignments/{t.assignment}/invoices",
        lambda t: {"invoiced_on": TODAY, "amount_eur": "120.00"},
    ),
    ("POST", "/api/v1/activities"): Endpoint(
        ActivityIn,
        lambda t: "/api/v1/activities",
        lambda t: {"title": "Buurtlunch", "category": "social", "held_on": TODAY},
    ),
    ("PATCH", "/api/v1/activities/<id:activity_id>"): Endpoint(
        ActivityPatch, lambda t: f"/api/v1/activities/{t.activity}", lambda t: {"participants": 40}
    ),
    ("POST", "/api/v1/api-tokens"): Endpoint(
        ApiTokenIn, lambda t: "/api/v1/api-tokens", lambda t: {"name": "planning", "role": "coordinator"}, admin=True
    ),
    ("PATCH", "/api/v1/settings"): Endpoint(
        SettingsPatch, lambda t: "/api/v1/settings", lambda t: {"min_count": 7}, admin=True
    ),
    # No message waits in the outbox here: the id is one this node does not have either way.
    ("POST", "/api/v1/federation/outbox/<id:item_id>/retry"): Endpoint(
        None, lambda t: "/api/v1/federation/outbox/1/retry", lambda t: None, admin=True
    ),
}


def body_schema(app: Flask, method: str, rule: str) -> type[Schema] | None:
    """The schema flask-smorest loads the JSON body with, if the endpoint takes one."""
    for url_rule in app.url_map.iter_rules():
        if url_rule.rule == rule and method in url_rule.methods:
            view = getattr(app.view_functions[url_rule.endpoint].view_class, method.lower())
            for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                if parameter["in"] == "json":
                    return parameter["schema"]
    return None


def bad_values(field: fields.Field) -> list[tuple[str, Any]]:
    """(what, value) pairs the field must refuse."""
    values: list[tuple[str, Any]] = [("wrong type", {"an": "object"})]
    if isinstance(field, CleanString):
        values += [
            ("just over the maximum length", "x" * (field.max_length + 1)),
            ("a megabyte", MEGABYTE_STRING),
            ("a NUL byte", "ab\x00cd"),
            ("a control character", "ab\x1bcd"),
        ]
        if not field.multiline:
            values.append(("a line break", "ab\ncd"))
    elif isinstance(field, NormalisedEmail):
        values += [
            ("no address", "nobody"),
            ("too long", "x" * 250 + "@example.org"),
            ("a megabyte", MEGABYTE_STRING),
            ("a NUL byte", "an\x00na@example.org"),
        ]
    elif isinstance(field, Postcode):
        values += [("not a postcode", "12345"), ("a megabyte", MEGABYTE_STRING)]
    elif isinstance(field, Code):
        values += [("an unknown code", "no_such_code"), ("empty", "")]
    elif isinstance(field, Id):
        values += [
            ("2**31", 2**31),
            ("2**63", 2**63),
            ("negative", -1),
            ("zero", 0),
            ("digits in a string", "12"),
            ("a fraction", 1.5),
            ("an id not on this node", NOT_ON_THIS_NODE),
        ]
    elif isinstance(field, fields.Integer):
        values += [
            ("2**31", 2**31),
            ("2**63", 2**63),
            ("negative", -1),
            ("digits in a string", "7"),
            ("a fraction", 1.5),
        ]
    elif isinstance(field, fields.DateTime):
        values += [
            ("no UTC offset", "2026-05-01T10:00:00"),
            ("beyond the year 9999 in UTC", "9999-12-31T23:00:00-05:00"),
            ("not a moment", "tomorrow"),
        ]
    elif isinstance(field, fields.Date):
        values += [("an impossible date", "2026-02-30"), ("not a date", "soon"), ("year 0", "0000-01-01")]
    elif isinstance(field, fields.Decimal):
        values += [
            ("not a number", "lots"),
            ("NaN", "NaN"),
            ("infinity", "Infinity"),
            ("negative", "-1"),
            ("a huge exponent", "1e999999999"),
        ]
    elif isinstance(field, fields.Boolean):
        values += [("not a boolean", "perhaps")]
    elif isinstance(field, fields.List):
        some_code = field.inner.choices[0]
        values += [("not a list", some_code), ("too many items", [some_code] * 100), ("an unknown code", ["nope"])]
    elif isinstance(field, fields.String):  # passwords: any character is fine, but not without end
        values += [("too long", "x" * 1025), ("a megabyte", MEGABYTE_STRING)]
    return values


def field_cases() -> list[Any]:
    cases = []
    for (method, rule), endpoint in ENDPOINTS.items():
        schema = endpoint.schema
        if schema is None:
            continue
        for name in schema().load_fields:
            cases.append(pytest.param(method, rule, name, id=f"{method} {rule} {name}"))
        cases.append(pytest.param(method, rule, None, id=f"{method} {rule} (body)"))
    return cases


def call(
    client: FlaskClient, targets: Targets, method: str, rule: str, *, path: str | None = None, **kwargs: Any
) -> Any:
    endpoint = ENDPOINTS[(method, rule)]
    headers = targets.admin if endpoint.admin else targets.coordinator
    return client.open(path or endpoint.path(targets), method=method, headers=headers, **kwargs)


def test_every_endpoint_that_takes_a_body_is_covered(shared_app: Flask) -> None:
    writes = {
        (method, rule.rule)
        for rule in shared_app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods & {"POST", "PUT", "PATCH"}
    }
    assert writes == set(ENDPOINTS)
    for (method, rule), endpoint in ENDPOINTS.items():
        assert body_schema(shared_app, method, rule) is endpoint.schema, (method, rule)


@pytest.mark.parametrize(("method", "rule", "field_name"), field_cases())
def test_bad_field_values_are_refused(
    shared_app: Flask, shared_client: FlaskClient, targets: Targets, method: str, rule: str, field_name: str | None
) -> None:
    """Each bad value of one field: 422 naming the field, and nothing changed."""
    schema = ENDPOINTS[(method, rule)].schema
    assert schema is not None
    valid = ENDPOINTS[(method, rule)].body(targets) or {}
    before = row_counts(shared_app)
    if field_name is None:
        variants = [("an unknown field", "unexpected", {**valid, "unexpected": 1})]
    else:
        field = schema().load_fields[field_name]
        variants = [(what, field_name, {**valid, field_name: value}) for what, value in bad_values(field)]
        if field.required:
            variants.append(("missing", field_name, {k: v for k, v in valid.items() if k != field_name}))
    for what, named, body in variants:
        response = call(shared_client, targets, method, rule, json=body)
        assert response.status_code == 422, (what, response.get_data(as_text=True)[:300])
        problem = assert_problem(response, 422, "invalid_input")
        assert any(f == named or f.startswith(f"{named}[") for f in error_fields(problem)), (what, problem)
    assert row_counts(shared_app) == before


WHOLE_BODY_CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("malformed JSON", {"data": '{"name": ', "content_type": "application/json"}, 400, "bad_request"),
    ("invalid UTF-8", {"data": b'{"name": "\xff\xfe"}', "content_type": "application/json"}, 400, "bad_request"),
    (
        "nested too deeply",
        {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
        400,
        "bad_request",
    ),
    ("a JSON array", {"json": []}, 422, "invalid_input"),
    ("a JSON string", {"json": "name"}, 422, "invalid_input"),
    ("a JSON number", {"json": 12}, 422, "invalid_input"),
    ("a form", {"data": {"name": "Anna"}}, 415, "unsupported_media_type"),
    ("plain text", {"data": "name=Anna", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ("over 1 MiB", {"json": {"name": "x" * (1024 * 1024 + 1)}}, 413, "too_large"),
]


@pytest.mark.parametrize(("method", "rule"), list(ENDPOINTS), ids=[f"{m} {r}" for m, r in ENDPOINTS])
def test_bad_bodies_and_unknown_ids_are_refused(
    shared_app: Flask, shared_client: FlaskClient, targets: Targets, method: str, rule: str
) -> None:
    """Broken bodies and ids that do not exist here: a problem document, and nothing changed."""
    endpoint = ENDPOINTS[(method, rule)]
    takes_body = endpoint.schema is not None
    before = row_counts(shared_app)
    for what, kwargs, status, code in WHOLE_BODY_CASES:
        if not takes_body and status == 422:
            continue  # no body is read, so there is no shape to get wrong
        response = call(shared_client, targets, method, rule, **kwargs)
        assert response.status_code == status, what
        assert_problem(response, status, code)
        if status == 422:
            assert response.get_json(force=True)["errors"], what
    valid_path = endpoint.path(targets)
    ids = list(re.finditer(r"/\d+", valid_path))
    for found in ids:  # each id in the path in turn, the others kept valid
        for bad_id in (str(NOT_ON_THIS_NODE), str(2**31), "-1", "0", "1.5", "abc"):
            path = f"{valid_path[: found.start()]}/{bad_id}{valid_path[found.end() :]}"
            response = call(shared_client, targets, method, rule, path=path, json=endpoint.body(targets))
            assert_problem(response, 404, "not_found")
    assert ids or "<id:" not in rule
    assert row_counts(shared_app) == before


def test_the_valid_bodies_are_valid(shared_app: Flask, targets: Targets) -> None:
    """The bodies the cases break must themselves pass their schema, or the cases prove nothing."""
    for (method, rule), endpoint in ENDPOINTS.items():
        if endpoint.schema is not None:
            assert endpoint.schema().validate(json.loads(json.dumps(endpoint.body(targets)))) == {}, (method, rule)
