"""Factories for the dashboards' tests: nodes and stored reports as intake leaves them, projected by the readers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from federation.hub.extensions import db
from federation.hub.figures.models import Report, ReportHead
from federation.hub.registry.models import Node, NodeArea, NodeStatus
from federation.protocol.codelists import ALL_CATEGORIES
from federation.protocol.encoding import b64url_encode
from federation.protocol.periods import period_end

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # the tests' clock: November 2026 is the month in progress


def fig(area: str, metric: str, value: float | None, category: str = ALL_CATEGORIES) -> dict[str, Any]:
    """One figure of a report; None is a suppressed one."""
    figure = {"area": area, "category": category, "metric": metric, "value": value}
    return figure | ({"suppressed": True} if value is None else {})


@dataclass
class HubData:
    app: Flask

    def node(
        self,
        node_id: str,
        areas: tuple[str, ...],
        *,
        municipality: str = "GM0344",
        enrolled_at: datetime = datetime(2026, 1, 5, tzinfo=UTC),
        suspended_at: datetime | None = None,
    ) -> None:
        with self.app.app_context():
            node = Node(
                node_id=node_id,
                name=f"Coöperatie {node_id}",
                name_given=node_id,
                municipality=municipality,
                software="tests",
                enrolled_at=enrolled_at,
                status=NodeStatus.SUSPENDED if suspended_at else NodeStatus.ACTIVE,
                suspended_at=suspended_at,
            )
            node.area_rows = [NodeArea(area_code=code) for code in areas]
            db.session.add(node)
            db.session.commit()

    def report(
        self,
        node_id: str,
        period: str,
        figures: list[dict[str, Any]],
        *,
        received_at: datetime | None = None,
        complete: bool = True,
    ) -> int:
        """Store a report and move the head, as intake does; returns its revision."""
        received_at = received_at or period_end(period) + timedelta(hours=3)
        with self.app.app_context():
            head = db.session.get(ReportHead, (node_id, period))
            revision = head.revision + 1 if head else 1
            payload = {"node_id": node_id, "period": period, "revision": revision, "figures": figures}
            report = Report(
                report_id=str(uuid.uuid4()),
                node_id=node_id,
                period=period,
                revision=revision,
                complete=complete,
                issued_at=received_at,
                received_at=received_at,
                min_count=5,
                figure_count=len(figures),
                kid="test-kid",
                jws="e30." + b64url_encode(json.dumps(payload).encode()) + ".sig",
                digest="sha-256=test",
                receipt="receipt",
            )
            db.session.add(report)
            db.session.flush()
            if head is None:
                db.session.add(ReportHead(node_id=node_id, period=period, report_pk=report.id, revision=revision))
            else:
                head.report_pk, head.revision = report.id, revision
            db.session.commit()
            return revision


@pytest.fixture
def hub(hub_app: Flask) -> HubData:
    return HubData(hub_app)
