"""The protocol's fixed names and limits: message types, endpoints, receipts (spec sections 2-8)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from federation.protocol.encoding import b64url_encode

PROTOCOL = "wijknet-federation/1"
WELL_KNOWN_PATH = "/.well-known/wijknet"

MAX_BODY_BYTES = 1024 * 1024  # 413 too_large above this
MAX_FIGURES = 10_000
MAX_CLOCK_SKEW = timedelta(seconds=300)  # issued_at further ahead is issued_in_future
DEFAULT_MIN_COUNT = 5
PROTOCOL_MIN_COUNT = 3  # a hub's min_count is at least this
NODE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class MessageType:
    """A signed message: its payload's `schema` member and its JWS `typ`."""

    schema: str
    typ: str


ENROLLMENT = MessageType("wijknet.enrollment/1", "wijknet-enrollment+jws")
REPORT = MessageType("wijknet.report/1", "wijknet-report+jws")
RECEIPT = MessageType("wijknet.receipt/1", "wijknet-receipt+jws")
KEY_ROTATION = MessageType("wijknet.key-rotation/1", "wijknet-key-rotation+jws")
TENDERS = MessageType("wijknet.tenders/1", "wijknet-tenders+jws")
COMMITMENT = MessageType("wijknet.commitment/1", "wijknet-commitment+jws")

# The hub's endpoints as discovery announces them; a node uses what discovery says.
ENDPOINTS = {
    "enrollments": "/api/v1/federation/enrollments",
    "reports": "/api/v1/federation/reports",
    "keys": "/api/v1/federation/keys",
    "tenders": "/api/v1/federation/tenders",
    "commitments": "/api/v1/federation/commitments",
}


def receipt_digest(jws: bytes) -> str:
    """`sha-256=<base64url of SHA-256 over the bytes received>`, as a receipt names them."""
    return "sha-256=" + b64url_encode(hashlib.sha256(jws).digest())


def format_timestamp(instant: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds unless the instant has a fraction."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: a protocol timestamp is an instant")
    text = instant.astimezone(UTC).isoformat(timespec="microseconds" if instant.microsecond else "seconds")
    return text.replace("+00:00", "Z")


_TIMESTAMP = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,9})?Z$")


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 UTC timestamp with a `Z` suffix; anything else raises ValueError."""
    match = _TIMESTAMP.fullmatch(text) if isinstance(text, str) else None  # `$` alone takes a final newline
    if not match:
        raise ValueError("not an RFC 3339 UTC timestamp like 2026-11-01T02:00:00Z")
    instant = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    fraction = match.group(2)
    if fraction:
        instant += timedelta(microseconds=int(fraction[1:7].ljust(6, "0")))
    return instant
