"""Reading the current figures and the report history."""

from __future__ import annotations

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.figures.models import Figure, Report
from federation.hub.figures.projection import project_pending


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
    """Every revision received, oldest first: the audit view."""
    stmt = select(Report).where(Report.node_id == node_id).order_by(Report.period, Report.revision)
    if period is not None:
        stmt = stmt.where(Report.period == period)
    return list(db.session.scalars(stmt))
