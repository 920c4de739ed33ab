"""The node's HTTP client for one hub: a session, a timeout on every call, typed outcomes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import requests

from federation.protocol.envelopes import Envelope
from federation.protocol.messages import WELL_KNOWN_PATH

CONNECT_TIMEOUT = 5  # seconds
RETRYABLE_STATUSES = frozenset({408, 429})


class DeliveryError(Exception):
    """A message that did not arrive; `problem` is the hub's problem document, if it sent one."""

    def __init__(self, message: str, *, status: int | None = None, problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class TransientError(DeliveryError):
    """Try again later: network trouble, a timeout, 408, 429 or a 5xx (spec section 6.1)."""

    def __init__(self, message: str, *, retry_after: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Any other 4xx: sending the same bytes again cannot help."""


@dataclass(frozen=True)
class Accepted:
    status: int  # 201 accepted, 200 duplicate
    body: dict[str, Any]


def retry_after_seconds(value: str | None) -> int | None:
    """`Retry-After` as seconds, whether given as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit() also takes "²", which int() refuses
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - datetime.now(UTC)).total_seconds()))


class HubClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30,
        session: requests.Session | None = None,
        software: str = "wijknet",
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = (min(CONNECT_TIMEOUT, timeout), timeout)
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", software)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method, self.url(path), timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.Timeout:
            raise TransientError(f"the hub did not answer within {self.timeout[1]} s") from None
        except requests.RequestException as exc:
            raise TransientError(f"the hub could not be reached: {type(exc).__name__}") from None
        if response.status_code in RETRYABLE_STATUSES or response.status_code >= 500:
            raise TransientError(
                _describe(response),
                status=response.status_code,
                problem=_problem(response),
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if response.status_code >= 300:
            raise PermanentError(_describe(response), status=response.status_code, problem=_problem(response))
        return response

    def discovery(self) -> dict[str, Any]:
        response = self._request("GET", WELL_KNOWN_PATH)
        return _json(response)

    def send(self, path: str, envelope: Envelope) -> Accepted:
        """POST a signed message; 200 and 201 come back, anything else raises."""
        response = self._request(
            "POST", path, data=envelope.body.encode("ascii"), headers={"Content-Type": envelope.media_type}
        )
        return Accepted(response.status_code, _json(response))

    def tenders(self, path: str) -> str:
        return self._request("GET", path).text


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise TransientError(f"the hub answered {response.status_code} without JSON") from None
    if not isinstance(body, dict):
        raise TransientError(f"the hub answered {response.status_code} with JSON that is not an object")
    return body


def _problem(response: requests.Response) -> dict[str, Any] | None:
    if not response.headers.get("Content-Type", "").startswith(("application/problem+json", "application/json")):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _describe(response: requests.Response) -> str:
    problem = _problem(response)
    if problem and problem.get("code"):
        detail = f": {problem['detail']}" if problem.get("detail") else ""
        return f"{response.status_code} {problem['code']}{detail}"
    return f"{response.status_code} {response.reason}"


def problem_text(error: DeliveryError) -> str:
    """The error as stored for the administrator: the problem document if there was one."""
    if error.problem is not None:
        return json.dumps(error.problem, ensure_ascii=False)
    return str(error)
