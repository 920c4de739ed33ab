"""The node's REST API: `/api/v1`, OpenAPI 3 at `/api/v1/openapi.json`, docs at `/api/v1/docs`.

Follows the Dutch API design rules (NLGov API Design Rules): the major version
in the path, the full version in an `API-Version` header on every answer,
RFC 9457 problem documents for errors, the OpenAPI document at a fixed place.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from schemas.common import ProblemOut
from wijknet.web.apidocs import register_api_docs
from wijknet.web.problems import PROBLEM_MEDIA_TYPE

API_VERSION = "1.0.0"
API_PREFIX = "/api/v1"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NodeApi(Api):
    """flask-smorest's Api with our problem documents instead of its error handler."""

    ERROR_SCHEMA = ProblemOut

    def _register_error_handlers(self) -> None:
        # One error handler for the whole app: wijknet.web.problems.
        pass

    def _register_responses(self) -> None:
        """flask-smorest's error responses, declared as the problem documents they are."""
        super()._register_responses()
        for response in self.spec.components.responses_lazy.values():
            content = response.get("content", {})
            if "application/json" in content:
                content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")


api = NodeApi()


def configure_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="wijknet node API",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "The REST API of a wijknet neighbourhood node: members, help requests and offers, "
                    "matches, hours, partner assignments, activities, the needs analysis, privacy and audit. "
                    "Authenticate with `Authorization: Bearer <token>`; errors are RFC 9457 problem documents."
                ),
            },
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
    )
    api.init_app(app)
    api.spec.components.response(
        "PROBLEM", {"description": "Problem document", "content": {"application/problem+json": {"schema": ProblemOut}}}
    )
    register_api_docs(app, API_PREFIX, title="wijknet node API")

    @app.before_request
    def check_json_body() -> None:
        if not request.path.startswith(API_PREFIX) or request.method not in BODY_METHODS:
            return
        if not request.content_length:
            return
        # webargs would read a body of another type as no body at all, and a
        # form posted to a PATCH endpoint would then succeed as an empty change.
        if not request.is_json:
            raise UnsupportedMediaType("Send the body as application/json.")
        try:
            request.get_json()
        except RecursionError:  # Python's JSON parser gives up on deep nesting with this, not a ValueError
            raise BadRequest("The JSON body is nested too deeply.") from None

    @app.after_request
    def add_api_version(response: Response) -> Response:
        if request.path.startswith(API_PREFIX):
            response.headers["API-Version"] = API_VERSION
        return response


def all_blueprints() -> list[Blueprint]:
    """Every resource of the API, in the order the docs list them."""
    from node.accounts.api import blp as api_tokens
    from node.activities.api import blp as activities
    from node.areas.api import blp as reference
    from node.audit.api import blp as audit
    from node.federation.api import blp as federation
    from node.help.api import offers_blp, requests_blp
    from node.matching.api import blp as matches
    from node.members.api import blp as members
    from node.needs.api import blp as needs
    from node.privacy.api import blp as privacy
    from node.settings.api import blp as settings
    from node.work.api import assignments_blp, partners_blp, time_logs_blp

    return [
        members,
        privacy,
        requests_blp,
        offers_blp,
        matches,
        time_logs_blp,
        partners_blp,
        assignments_blp,
        activities,
        needs,
        reference,
        api_tokens,
        settings,
        audit,
        federation,
    ]
