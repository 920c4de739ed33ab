"""The federation endpoints of spec sections 4-8: thin views over the intake services."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy.exc import IntegrityError

from federation.hub.extensions import db
from federation.hub.intake.checks import Answer, settings
from federation.hub.intake.commitments import accept_commitment
from federation.hub.intake.enrollments import enroll
from federation.hub.intake.keys import rotate_key
from federation.hub.intake.ratelimit import MinuteCounter
from federation.hub.intake.reports import accept_report
from federation.hub.signing import hub_signer
from federation.hub.tenders.services import signed_tender_list
from federation.protocol.encoding import EncodingError, b64url_decode, json_object
from federation.protocol.jws import COMPACT_MEDIA_TYPE
from federation.protocol.messages import ENDPOINTS, PROTOCOL, WELL_KNOWN_PATH
from wijknet.web.database import utcnow
from wijknet.web.problems import problem_response

federation = Blueprint("federation", __name__)

Intake = Callable[[bytes, str | None, datetime], Answer]


@federation.get(WELL_KNOWN_PATH)
def discovery() -> Response:
    signer = hub_signer()
    return jsonify(
        {
            "protocol": PROTOCOL,
            "hub_id": signer.hub_id,
            "name": settings().name,
            "jwks": signer.jwks,
            "min_count": settings().min_count,
            "endpoints": ENDPOINTS,
        }
    )


@federation.post(ENDPOINTS["enrollments"])
def enrollments() -> tuple[Response, int]:
    return _take(enroll)


@federation.post(ENDPOINTS["reports"])
def reports() -> tuple[Response, int]:
    return _take(accept_report)


@federation.post(ENDPOINTS["keys"])
def keys() -> tuple[Response, int]:
    return _take(rotate_key)


@federation.post(ENDPOINTS["commitments"])
def commitments() -> tuple[Response, int]:
    return _take(accept_commitment)


@federation.get(ENDPOINTS["tenders"])
def tenders() -> Response:
    return Response(signed_tender_list(utcnow()), mimetype=COMPACT_MEDIA_TYPE)


def _take(intake: Intake) -> tuple[Response, int]:
    """One message, one transaction, committed before the answer: a receipt promises durable storage.

    Two copies of one message racing each other both pass the checks; the
    database's unique keys let one win, and the other, run again, then finds
    it and answers as a duplicate.
    """
    body, content_type = request.get_data(cache=True), request.content_type
    for attempt in (1, 2):
        try:
            answer = intake(body, content_type, utcnow())
            db.session.commit()
            return jsonify(answer.body), answer.status
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        except BaseException:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


# --- rate limiting --------------------------------------------------------------------------------


def rate_limit_key() -> str:
    """Count per `kid` where the message names one, else per client address (spec section 3)."""
    kid = _peek_kid(request.get_data(cache=True))
    return f"kid:{kid}" if kid else f"addr:{request.remote_addr}"


def _peek_kid(body: bytes) -> str | None:
    """The kid of a compact JWS's header, without trusting or fully parsing anything."""
    head = body.lstrip()[:4096].split(b".", 1)[0]
    try:
        kid = json_object(b64url_decode(head.decode("ascii"))).get("kid")
    except (EncodingError, UnicodeDecodeError):
        return None
    return kid[:100] if isinstance(kid, str) else None


def install_rate_limit(app: Flask, per_minute: int) -> None:
    """Per-process counting: each web worker allows `per_minute` on its own, for every endpoint of the protocol."""
    counter = MinuteCounter(per_minute)

    @app.before_request
    def limit() -> Response | None:
        if request.blueprint != federation.name:
            return None
        retry_after = counter.hit(rate_limit_key(), time.time())
        if retry_after is None:
            return None
        return problem_response(
            429,
            "rate_limited",
            "Too many requests",
            f"At most {per_minute} messages per minute; come back in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
