"""RFC 9457 problem documents: the one place where errors become HTTP answers.

Every API error of the node and the hub leaves through `problem_response`;
pages for people get a friendly HTML page instead. No answer ever carries a
stack trace, SQL or a secret: unexpected exceptions are logged and answered
with a bare `internal_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException

from federation.protocol.problems import ProtocolError
from wijknet import errors

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Domain exception -> (status, code, title). The single mapping of the project.
DOMAIN_PROBLEMS: dict[type[errors.DomainError], tuple[int, str, str]] = {
    errors.NotAuthenticated: (401, "not_authenticated", "Authentication required"),
    errors.PermissionDenied: (403, "forbidden", "Not allowed"),
    errors.NotFound: (404, "not_found", "Not found"),
    errors.Conflict: (409, "conflict", "Conflict with the current state"),
    errors.InvalidTransition: (409, "invalid_transition", "Status change not allowed"),
    errors.InvalidInput: (422, "invalid_input", "Invalid input"),
    errors.TooManyAttempts: (429, "rate_limited", "Too many attempts"),
}

# werkzeug's own HTTP errors (routing, body size, bad JSON) -> code.
HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    field_errors: list[errors.FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """Build one problem+json answer."""
    body: dict[str, Any] = {
        "type": f"urn:wijknet:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if field_errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in field_errors]
    if extra:
        body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[errors.FieldError]:
    """Turn marshmallow's nested error dict into `field`/`message` pairs.

    `{"figures": {3: {"value": ["Not a number."]}}}` becomes
    `figures[3].value: Not a number.` -- the path notation of the federation spec.
    """
    found: list[errors.FieldError] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            found.extend(flatten_messages(value, path))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            found.extend(errors.FieldError(prefix, m) for m in messages)
        else:
            for item in messages:
                found.extend(flatten_messages(item, prefix))
    else:
        found.append(errors.FieldError(prefix, str(messages)))
    return found


def _validation_errors(exc: HTTPException) -> list[errors.FieldError]:
    """Field errors that webargs attached to a 422 (`data.messages` by location)."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    found: list[errors.FieldError] = []
    for location, per_location in messages.items():
        for err in flatten_messages(per_location):
            # A query parameter is named as such; a body field by its path alone.
            field = err.field if location == "json" else f"{location}:{err.field}"
            found.append(errors.FieldError(field, err.message))
    return found


def domain_problem(exc: errors.DomainError) -> Response:
    """The problem+json answer for a domain exception."""
    for cls in type(exc).__mro__:
        if cls in DOMAIN_PROBLEMS:
            status, code, title = DOMAIN_PROBLEMS[cls]
            break
    else:  # a DomainError subclass nobody mapped: a bug, but never a 500 with details
        status, code, title = 422, "invalid_input", "Invalid input"
    headers: dict[str, str] = {}
    if isinstance(exc, errors.TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="wijknet"'
    field_errors = exc.errors if isinstance(exc, errors.InvalidInput) else None
    return problem_response(status, code, title, exc.detail, field_errors=field_errors, headers=headers)


def http_problem(exc: HTTPException) -> Response:
    """The problem+json answer for a werkzeug HTTP error."""
    status = exc.code or 500
    code = HTTP_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    field_errors = _validation_errors(exc) if status == 422 else None
    detail = exc.description if status != 422 else "The request did not pass validation; see errors."
    headers = {}
    data = getattr(exc, "data", None) or {}
    headers.update(data.get("headers") or {})
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return problem_response(status, code, exc.name, detail, field_errors=field_errors, headers=headers)


def install_error_handlers(
    app: Flask,
    *,
    is_api_request: Callable[[], bool],
    error_template: str = "error.html",
) -> None:
    """Register the handlers: problem+json for API requests, an HTML page otherwise."""

    def render_page(status: int, title: str, detail: str | None) -> Response:
        html = render_template(error_template, status=status, title=title, detail=detail)
        return Response(html, status=status, mimetype="text/html")

    @app.errorhandler(errors.DomainError)
    def on_domain_error(exc: errors.DomainError) -> Response:
        response = domain_problem(exc)
        if is_api_request():
            return response
        return render_page(response.status_code, json.loads(response.data)["title"], exc.detail)

    @app.errorhandler(ProtocolError)
    def on_protocol_error(exc: ProtocolError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return problem_response(exc.status, exc.code, exc.title, exc.detail, field_errors=exc.errors, headers=headers)

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Response:
        if exc.response is not None:  # a library built its own answer (the hub's rate limit: a problem document)
            return exc.response
        if is_api_request():
            return http_problem(exc)
        return render_page(exc.code or 500, exc.name, exc.description)

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return problem_response(500, "internal_error", "Internal server error")
        return render_page(500, "Internal server error", None)
