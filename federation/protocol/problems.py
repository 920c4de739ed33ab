"""The protocol's error codes (spec section 3), and the exception that carries one."""

from __future__ import annotations

from collections.abc import Mapping

from wijknet.errors import FieldError

# code -> (HTTP status, title). The table of spec section 3, plus the three
# codes for answers outside the protocol's own rules.
PROBLEMS: Mapping[str, tuple[int, str]] = {
    "malformed": (400, "Malformed message"),
    "unsupported_alg": (400, "Unsupported algorithm"),
    "wrong_type": (400, "Wrong message type"),
    "unknown_key": (401, "Unknown key"),
    "bad_signature": (401, "Signature does not verify"),
    "key_revoked": (403, "Key revoked"),
    "key_retired": (403, "Key retired"),
    "node_suspended": (403, "Node suspended"),
    "node_mismatch": (403, "Node does not own the key"),
    "invalid_token": (403, "Invalid enrollment token"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "report_id_reused": (409, "Report id reused with other content"),
    "stale_revision": (409, "Stale revision"),
    "revision_conflict": (409, "Revision conflict"),
    "node_exists": (409, "Node already registered"),
    "key_exists": (409, "Key already registered"),
    "too_large": (413, "Body too large"),
    "unsupported_media_type": (415, "Unsupported media type"),
    "invalid_payload": (422, "Invalid payload"),
    "area_not_allowed": (422, "Area not allowed"),
    "disclosure_violation": (422, "Disclosure violation"),
    "issued_in_future": (422, "Issued in the future"),
    "rate_limited": (429, "Too many requests"),
    "internal_error": (500, "Internal server error"),
}


class ProtocolError(Exception):
    """A refusal with one of the protocol's codes; the hub answers it as a problem document.

    `errors` name the failing members in the spec's path notation (`figures[3].value`).
    """

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        retry_after: int | None = None,
    ) -> None:
        if code not in PROBLEMS:
            raise ValueError(f"{code!r} is not a protocol problem code")
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return PROBLEMS[self.code][0]

    @property
    def title(self) -> str:
        return PROBLEMS[self.code][1]
