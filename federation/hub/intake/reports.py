"""Report intake (spec section 6): verify, check, store durably, sign a receipt.

The hub's busiest path. The payload is decoded at C speed (`schemas.federation.decoding`), the
figures checked in bulk (`schemas.federation.figures`, `federation.protocol.disclosure`), and the
database reached with five prepared Core statements on the session's connection: nothing here is
loaded to be changed, so the ORM would only add work.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Insert, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from federation.hub.extensions import db
from federation.hub.figures.models import Report, ReportHead
from federation.hub.intake.checks import (
    Answer,
    algorithms,
    check_not_in_future,
    check_standing,
    find_sender,
    load_payload,
    public_key,
    read_body,
    settings,
    verify,
)
from federation.hub.signing import hub_signer
from federation.protocol.areas import area_allowed
from federation.protocol.disclosure import violations
from federation.protocol.jws import COMPACT_MEDIA_TYPE, parse_compact
from federation.protocol.messages import REPORT, UUID_PATTERN, receipt_digest
from federation.protocol.periods import has_started
from federation.protocol.problems import ProtocolError
from schemas.federation.decoding import report_claims
from schemas.federation.figures import FigureList
from schemas.federation.messages import ReportSchema
from wijknet.errors import FieldError

_schema = ReportSchema()
_reports, _heads = Report.__table__, ReportHead.__table__

_HELD = select(_reports.c.jws, _reports.c.receipt).where(_reports.c.report_id == bindparam("report_id"))
# The head and a report of the same revision in one round trip: on PostgreSQL each statement waits
# for the network.
_HEAD_AND_SAME = select(
    select(_heads.c.revision)
    .where(_heads.c.node_id == bindparam("node_id"), _heads.c.period == bindparam("period"))
    .scalar_subquery(),
    select(_reports.c.report_id)
    .where(
        _reports.c.node_id == bindparam("node_id"),
        _reports.c.period == bindparam("period"),
        _reports.c.revision == bindparam("revision"),
    )
    .scalar_subquery(),
)
_STORE = insert(_reports).returning(_reports.c.id)


def accept_report(body: bytes, content_type: str | None, now: datetime) -> Answer:
    """Take one report; a byte-identical retry gets the first answer's receipt again."""
    jws_bytes = read_body(body, content_type, COMPACT_MEDIA_TYPE)
    jws = parse_compact(jws_bytes, typ=REPORT.typ, algorithms=algorithms(), claims=report_claims)
    sender = find_sender(jws.header["kid"])
    verify(jws, public_key(sender))
    check_standing(sender, jws.claims)
    connection = db.session.connection()

    held = _held(connection, jws.claims.get("report_id"), jws_bytes)
    if held is not None:
        return held

    data = load_payload(_schema, jws.claims)
    period, revision = data["period"], data["revision"]
    if not has_started(period, now):
        raise ProtocolError(
            "invalid_payload",
            "the period has not started yet",
            errors=[FieldError("period", "A month that has not started by the hub's clock.")],
        )
    check_not_in_future(data["issued_at"], now)
    _check_areas(sender.areas, data["figures"])
    _check_disclosure(data)
    try:
        _check_revision(connection, sender.node_id, period, revision)
    except ProtocolError:
        # The same report may have been committed by a copy of this request since step 5 looked: then
        # this is a retry, and the answer is that copy's (READ COMMITTED: this statement sees it).
        held = _held(connection, data["report_id"], jws_bytes)
        if held is not None:
            return held
        raise

    digest = receipt_digest(jws_bytes)
    receipt = hub_signer().receipt(
        node_id=sender.node_id,
        subject="report",
        subject_id=data["report_id"],
        period=period,
        revision=revision,
        received_at=now,
        digest=digest,
    )
    report_pk = connection.execute(
        _STORE,
        {
            "report_id": data["report_id"],
            "node_id": sender.node_id,
            "period": period,
            "revision": revision,
            "complete": data["complete"],
            "issued_at": data["issued_at"],
            "received_at": now,
            "min_count": data["disclosure"]["min_count"],
            "figure_count": len(data["figures"]),
            "kid": sender.kid,
            "jws": jws_bytes.decode("ascii"),
            "digest": digest,
            "receipt": receipt,
        },
    ).scalar_one()
    _move_head(connection, sender.node_id, period, revision, report_pk)
    return Answer(201, {"status": "accepted", "receipt": receipt})


def _held(connection: Connection, report_id: object, jws_bytes: bytes) -> Answer | None:
    """Step 5: the duplicate's answer if the hub holds this report_id with these bytes; None if not held."""
    # Only a UUID can be held (the hub stores none else), and PostgreSQL refuses a NUL in a query
    # with an error: anything else is left to the payload rules, which refuse it.
    if not (isinstance(report_id, str) and UUID_PATTERN.fullmatch(report_id)):
        return None
    held = connection.execute(_HELD, {"report_id": report_id}).first()
    if held is None:
        return None
    if held.jws.encode("ascii") == jws_bytes:
        return Answer(200, {"status": "duplicate", "receipt": held.receipt})
    raise ProtocolError("report_id_reused", "the hub holds this report_id with other content")


def _check_areas(registered: frozenset[str], figures: FigureList) -> None:
    """Each figure's area is registered for the node, or is a buurt inside a registered wijk."""
    refused = {area for area in {figure.area for figure in figures} if not area_allowed(area, registered)}
    if refused:
        errors = [
            FieldError(f"figures[{index}].area", f"{figure.area} is not an area of this node.")
            for index, figure in enumerate(figures)
            if figure.area in refused
        ]
        raise ProtocolError("area_not_allowed", "figures for areas the node is not registered for", errors=errors)


def _check_disclosure(data: dict[str, Any]) -> None:
    """The hub's second line of defence: the report's own min_count, at least the hub's."""
    min_count = data["disclosure"]["min_count"]
    hub_min_count = settings().min_count
    if min_count < hub_min_count:
        raise ProtocolError(
            "disclosure_violation",
            f"disclosure.min_count {min_count} is below the hub's {hub_min_count}",
            errors=[FieldError("disclosure.min_count", f"At least {hub_min_count}.")],
        )
    figures = data["figures"]
    found = violations(figures, min_count, figures.positions)
    if found:
        raise ProtocolError(
            "disclosure_violation",
            "the figures break the disclosure rules of section 6; see errors",
            errors=[FieldError(f"figures[{v.index}]", v.message) for v in found],
        )


def _check_revision(connection: Connection, node_id: str, period: str, revision: int) -> None:
    """Step 7: not below the head revision, and not a revision the hub holds under another report_id."""
    head_revision, same = connection.execute(
        _HEAD_AND_SAME, {"node_id": node_id, "period": period, "revision": revision}
    ).one()
    if head_revision is not None and revision < head_revision:
        raise ProtocolError("stale_revision", f"the hub holds revision {head_revision} of {period}")
    if same is not None:
        raise ProtocolError("revision_conflict", f"revision {revision} of {period} arrived under another report_id")


def _move_head(connection: Connection, node_id: str, period: str, revision: int, report_pk: int) -> None:
    """The highest revision counts; the figures follow when the projection runs.

    One upsert that moves the head only upwards. On PostgreSQL two revisions of one month can pass
    step 7 side by side; the one that finds the head moved past it already is stale after all, and
    its transaction (the report with it) is rolled back.
    """
    moved = connection.execute(
        _head_upsert(connection.dialect.name),
        {"node_id": node_id, "period": period, "report_pk": report_pk, "revision": revision},
    )
    if moved.rowcount == 0:
        raise ProtocolError("stale_revision", f"the hub received a higher revision of {period} meanwhile")


@functools.cache
def _head_upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE, in the dialect's own spelling (PostgreSQL or SQLite)."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_heads)
    return statement.on_conflict_do_update(
        index_elements=[_heads.c.node_id, _heads.c.period],
        set_={"report_pk": statement.excluded.report_pk, "revision": statement.excluded.revision},
        where=_heads.c.revision < statement.excluded.revision,
    )
