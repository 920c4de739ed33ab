"""Report intake (spec section 6): verify, check, store durably, sign a receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from federation.hub.extensions import db
from federation.hub.figures.models import Report, ReportHead
from federation.hub.intake.checks import (
    Answer,
    algorithms,
    check_not_in_future,
    check_standing,
    find_key,
    load_payload,
    public_key,
    read_body,
    settings,
    verify,
)
from federation.hub.registry.models import Node
from federation.hub.signing import hub_signer
from federation.protocol.areas import area_allowed
from federation.protocol.disclosure import Figure, violations
from federation.protocol.jws import COMPACT_MEDIA_TYPE, parse_compact
from federation.protocol.messages import REPORT, receipt_digest
from federation.protocol.periods import has_started
from federation.protocol.problems import ProtocolError
from schemas.federation.messages import ReportSchema
from wijknet.errors import FieldError

_schema = ReportSchema()


def accept_report(body: bytes, content_type: str | None, now: datetime) -> Answer:
    """Take one report; a byte-identical retry gets the first answer's receipt again."""
    jws_bytes = read_body(body, content_type, COMPACT_MEDIA_TYPE)
    jws = parse_compact(jws_bytes, typ=REPORT.typ, algorithms=algorithms())
    key = find_key(jws.header["kid"])
    verify(jws, public_key(key))
    check_standing(key, jws.claims)

    report_id = jws.claims.get("report_id")
    if isinstance(report_id, str):
        held = db.session.scalar(select(Report).where(Report.report_id == report_id))
        if held is not None:
            if held.jws.encode("ascii") == jws_bytes:
                return Answer(200, {"status": "duplicate", "receipt": held.receipt})
            raise ProtocolError("report_id_reused", "the hub holds this report_id with other content")

    data = load_payload(_schema, jws.claims)
    if not has_started(data["period"], now):
        raise ProtocolError(
            "invalid_payload",
            "the period has not started yet",
            errors=[FieldError("period", "A month that has not started by the hub's clock.")],
        )
    check_not_in_future(data["issued_at"], now)
    node = key.node
    _check_areas(node, data["figures"])
    _check_disclosure(data)
    head_revision = _check_revision(node.node_id, data["period"], data["revision"])

    digest = receipt_digest(jws_bytes)
    receipt = hub_signer().receipt(
        node_id=node.node_id,
        subject="report",
        subject_id=data["report_id"],
        period=data["period"],
        revision=data["revision"],
        received_at=now,
        digest=digest,
    )
    report = Report(
        report_id=data["report_id"],
        node_id=node.node_id,
        period=data["period"],
        revision=data["revision"],
        complete=data["complete"],
        issued_at=data["issued_at"],
        received_at=now,
        min_count=data["disclosure"]["min_count"],
        figure_count=len(data["figures"]),
        kid=key.kid,
        jws=jws_bytes.decode("ascii"),
        digest=digest,
        receipt=receipt,
    )
    db.session.add(report)
    db.session.flush()
    _move_head(node.node_id, data["period"], report, head_revision)
    return Answer(201, {"status": "accepted", "receipt": receipt})


def _check_areas(node: Node, figures: list[dict[str, Any]]) -> None:
    """Each figure's area is registered for the node, or is a buurt inside a registered wijk."""
    registered = frozenset(node.areas)
    allowed: dict[str, bool] = {}
    errors = []
    for index, figure in enumerate(figures):
        area = figure["area"]
        if area not in allowed:
            allowed[area] = area_allowed(area, registered)
        if not allowed[area]:
            errors.append(FieldError(f"figures[{index}].area", f"{area} is not an area of this node."))
    if errors:
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
    figures = [
        Figure(f["area"], f["category"], f["metric"], f["value"], f.get("suppressed", False)) for f in data["figures"]
    ]
    found = violations(figures, min_count)
    if found:
        raise ProtocolError(
            "disclosure_violation",
            "the figures break the disclosure rules of section 6; see errors",
            errors=[FieldError(f"figures[{v.index}]", v.message) for v in found],
        )


def _check_revision(node_id: str, period: str, revision: int) -> int | None:
    """Step 7; returns the revision of the head, None for the node's first report of the month."""
    # The head and a report of the same revision in one round trip: intake is a handful of short
    # statements, and on PostgreSQL each one waits for the network.
    head_revision, same = db.session.execute(
        select(
            select(ReportHead.revision)
            .where(ReportHead.node_id == node_id, ReportHead.period == period)
            .scalar_subquery(),
            select(Report.report_id)
            .where(Report.node_id == node_id, Report.period == period, Report.revision == revision)
            .scalar_subquery(),
        )
    ).one()
    if head_revision is not None and revision < head_revision:
        raise ProtocolError("stale_revision", f"the hub holds revision {head_revision} of {period}")
    if same is not None:
        raise ProtocolError("revision_conflict", f"revision {revision} of {period} arrived under another report_id")
    return head_revision


def _move_head(node_id: str, period: str, report: Report, head_revision: int | None) -> None:
    """The highest revision counts; the figures follow when the projection runs."""
    if head_revision is None:
        db.session.add(ReportHead(node_id=node_id, period=period, report_pk=report.id, revision=report.revision))
    else:
        db.session.execute(
            update(ReportHead)
            .where(ReportHead.node_id == node_id, ReportHead.period == period)
            .values(report_pk=report.id, revision=report.revision)
        )
    db.session.flush()
