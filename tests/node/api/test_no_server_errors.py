"""No request makes the node answer 5xx: schemathesis generates them from our OpenAPI document.

For every operation in `/api/v1/openapi.json` schemathesis makes requests
that fit the document and requests that break it (wrong types, missing and
extra fields, odd strings), and sends them through the WSGI app with a
coordinator's token, or an administrator's on the administrator's
endpoints. Every answer must be below 500, every error a problem document
with a stable `code`, and every answer must carry the `API-Version` header.
A few real objects exist with low ids, so generated ids sometimes hit them.

schemathesis's own pytest loader does not work with pytest 9 yet, so each
operation is its own test here and drives schemathesis's strategies with
hypothesis directly; the operations are the permission matrix's rows, which
another test keeps equal to the app's routes.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from schemas.node.codes import MatchStatus, Role
from tests.node.api.conftest import PASSWORD, PROBLEM
from tests.node.api.test_permissions import MATRIX
from tests.node.factories import Factory

EXAMPLES_PER_OPERATION = 10

ADMIN_PATHS = re.compile(r"^/api/v1/(api-tokens|settings|audit-events|members/\{member_id\}/(roles|password|erasure))")


@pytest.fixture(scope="module")
def callers(shared_make: Factory) -> dict[str, dict[str, str]]:
    """Tokens for the generated calls, and a few objects for the generated ids to find."""
    make = shared_make
    _, coordinator = make.person(Role.COORDINATOR, password=PASSWORD)
    _, admin = make.person(Role.ADMIN, password=PASSWORD)
    requester = make.member()
    volunteer = make.member(roles=(Role.VOLUNTEER,))
    make.offer(volunteer)
    make.match(make.help_request(requester), volunteer, MatchStatus.ACCEPTED)
    make.match(make.help_request(requester), volunteer)
    make.assignment(status="active")
    make.activity()
    return {"coordinator": coordinator, "admin": admin}


@pytest.fixture(scope="module")
def api_schema(shared_app: Flask, callers: dict[str, dict[str, str]]) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", shared_app)


def openapi_path(rule: str) -> str:
    """`/api/v1/members/<id:member_id>` as OpenAPI writes it: `/api/v1/members/{member_id}`."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/assets/<path:filename>"}
OPERATIONS = sorted((method, openapi_path(rule)) for method, rule in MATRIX if rule not in UNDOCUMENTED)


def test_the_document_has_exactly_these_operations(api_schema: schemathesis.BaseSchema) -> None:
    documented = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_answer_is_a_server_error(
    api_schema: schemathesis.BaseSchema, callers: dict[str, dict[str, str]], method: str, path: str
) -> None:
    operation = api_schema[path][method]
    token = callers["admin"] if ADMIN_PATHS.match(path) else callers["coordinator"]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,  # the same requests on every run: a red build can be replayed
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answer_is_fine(case: schemathesis.Case) -> None:
        response = case.call(headers=token)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
        assert response.headers.get("api-version") == ["1.0.0"]
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith(PROBLEM), response.text[:300]
            problem = response.json()
            assert problem["status"] == response.status_code
            assert problem["type"] == f"urn:wijknet:problem:{problem['code']}"

    answer_is_fine()
