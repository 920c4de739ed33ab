"""Domain exceptions shared by the node and the hub.

Services raise these; they know nothing of HTTP. `wijknet.web.problems` maps
each class to a status and a problem `code` in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (`field` uses dotted paths: `figures[3].value`)."""

    field: str
    message: str


class DomainError(Exception):
    """Base class: a rule of the domain was broken; `detail` is safe to show."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists."""


class NotAuthenticated(DomainError):
    """No valid credentials were presented."""


class PermissionDenied(DomainError):
    """The actor is known but may not do this."""


class InvalidInput(DomainError):
    """Input that a schema accepted breaks a domain rule (unknown member, wrong buurt)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class InvalidTransition(DomainError):
    """A status change the workflow does not allow (matching a closed request)."""


class Conflict(DomainError):
    """The change clashes with the current state (a duplicate, a unique value taken)."""


class TooManyAttempts(DomainError):
    """Throttled: too many failed attempts; `retry_after` is in seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
