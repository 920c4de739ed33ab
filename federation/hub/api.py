"""The hub's REST API for the municipality's systems: `/api/v1`, OpenAPI 3 at `/api/v1/openapi.json`.

Follows the Dutch API design rules (NLGov API Design Rules) like the node's
API: the major version in the path, the full version in an `API-Version`
header on every answer, RFC 9457 problem documents for errors, the OpenAPI
document at a fixed place, docs at `/api/v1/docs`. Every call carries a
`wkh_` bearer token. The federation endpoints (`/api/v1/federation/...`,
spec sections 4-8) share the prefix but not this machinery: they take signed
messages, not JSON, and are not in this OpenAPI document.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from federation.hub.accounts.auth import csrf
from schemas.common import ProblemOut
from wijknet.web.apidocs import register_api_docs
from wijknet.web.problems import PROBLEM_MEDIA_TYPE

API_VERSION = "1.0.0"
API_PREFIX = "/api/v1"
FEDERATION_PREFIX = f"{API_PREFIX}/federation"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class HubApi(Api):
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


def is_federation_path(path: str) -> bool:
    return path.startswith(FEDERATION_PREFIX + "/")


def configure_api(app: Flask) -> HubApi:
    """The Api of this app (one per app: tests build many), its docs and its headers."""
    app.config.update(
        API_TITLE="wijknet hub API",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "The REST API of the city hub for the municipality's systems: who a token is, and the "
                    "city's figures, completeness and municipal reports. Authenticate with "
                    "`Authorization: Bearer wkh_…`; a municipality's token sees its own municipality only. "
                    "Errors are RFC 9457 problem documents."
                ),
            },
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = HubApi(app)
    api.spec.components.response(
        "PROBLEM", {"description": "Problem document", "content": {PROBLEM_MEDIA_TYPE: {"schema": ProblemOut}}}
    )
    register_api_docs(app, API_PREFIX, title="wijknet hub API")
    app.extensions["wijknet.hub_api"] = api

    @app.before_request
    def check_json_body() -> None:
        if not request.path.startswith(API_PREFIX) or request.method not in BODY_METHODS:
            return
        if is_federation_path(request.path) or not request.content_length:
            return
        # webargs would read a body of another type as no body at all.
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

    return api


def hub_api(app: Flask) -> HubApi:
    return app.extensions["wijknet.hub_api"]


def register_api_blueprint(app: Flask, blueprint: Blueprint) -> None:
    """Add a resource to the API; bearer tokens only, so no CSRF check (nothing a browser sends by itself)."""
    csrf.exempt(blueprint)
    hub_api(app).register_blueprint(blueprint)
