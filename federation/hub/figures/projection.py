"""The current figures, projected from the head revision of every node and month.

Intake stores a report and moves the head in one short transaction, so that
hundreds of reports a second can be signed for; writing each report's
figures as rows is left to this projection, which any reader runs first
(`project_pending`) and a scheduled job runs in the background. The figures
table is therefore never behind what a reader sees.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, or_, select

from federation.hub.extensions import db
from federation.hub.figures.models import Figure, Report, ReportHead
from federation.hub.figures.totals import (
    Sums,
    TotalKey,
    add_difference,
    apply_changes,
    node_month_municipalities,
    node_month_sums,
    refresh_statistics,
)
from federation.protocol.encoding import b64url_decode, json_object


def report_payload(report: Report) -> dict:
    """The payload of a stored report (verified at intake; the stored bytes are the signed bytes)."""
    return json_object(b64url_decode(report.jws.split(".")[1]))


def project_pending() -> int:
    """Bring the figures, and their totals, up to every head that moved; returns the number of node-months redone."""
    pending = db.session.scalars(
        select(ReportHead)
        .where(or_(ReportHead.projected_pk.is_(None), ReportHead.projected_pk != ReportHead.report_pk))
        .order_by(ReportHead.node_id, ReportHead.period)
        .with_for_update(skip_locked=True)  # two readers never project the same head (PostgreSQL)
    ).all()
    changes: dict[TotalKey, Sums] = {}
    municipality_months: set[tuple[str, str]] = set()
    for head in pending:
        report = db.session.get(Report, head.report_pk)
        payload = report_payload(report)
        before = node_month_sums(head.node_id, head.period)
        municipality_months |= {(head.period, m) for m in node_month_municipalities(head.node_id, head.period)}
        db.session.execute(delete(Figure).where(Figure.node_id == head.node_id, Figure.period == head.period))
        rows = [
            {
                "node_id": head.node_id,
                "period": head.period,
                "area": f["area"],
                "category": f["category"],
                "metric": f["metric"],
                "value": f["value"],
                "suppressed": f["value"] is None,
                "revision": report.revision,
            }
            for f in payload["figures"]
        ]
        if rows:
            db.session.execute(insert(Figure), rows)
        add_difference(changes, before, node_month_sums(head.node_id, head.period))
        municipality_months |= {(head.period, m) for m in node_month_municipalities(head.node_id, head.period)}
        head.projected_pk = report.id
    # Once for all heads, in one order of keys, so that two projecting readers never wait on each other in a circle.
    apply_changes(changes)
    refresh_statistics(municipality_months)
    db.session.flush()
    return len(pending)
