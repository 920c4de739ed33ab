"""Reading the current figures and the report history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.figures.models import Figure, Report, ReportHead
from federation.hub.figures.projection import project_pending
from federation.hub.registry.models import NodeKey


def current_figures(node_id: str | None = None, period: str | None = None) -> list[Figure]:
    """The figures that count now (the highest revision per node and month), projected first."""
    project_pending()
    stmt = select(Figure).order_by(Figure.node_id, Figure.period, Figure.area, Figure.category, Figure.metric)
    if node_id is not None:
        stmt = stmt.where(Figure.node_id == node_id)
    if period is not None:
        stmt = stmt.where(Figure.period == period)
    return list(db.session.scalars(stmt))


def report_history(node_id: str, period: str | None = None) -> list[Report]:
    """Every revision received, oldest first."""
    stmt = select(Report).where(Report.node_id == node_id).order_by(Report.period, Report.revision)
    if period is not None:
        stmt = stmt.where(Report.period == period)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class AuditedReport:
    report: Report
    current: bool  # the head revision of its month
    key_revoked: bool  # signed by a key revoked later: accepted then, to be looked at now


def audit_view(node_id: str, period: str | None = None) -> list[AuditedReport]:
    """The revision history with what an auditor must notice (spec section 7: revoked keys stay flagged)."""
    heads = {(h.node_id, h.period): h.report_pk for h in db.session.scalars(select(ReportHead))}
    revoked = set(db.session.scalars(select(NodeKey.kid).where(NodeKey.revoked_at.is_not(None))))
    return [
        AuditedReport(r, heads.get((r.node_id, r.period)) == r.id, r.kid in revoked)
        for r in report_history(node_id, period)
    ]
