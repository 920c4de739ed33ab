"""The demo's hub: its instance with an invitation per node, and what it holds once the nodes have synced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from federation.hub.app import create_app
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, Report
from federation.hub.figures.projection import project_pending
from federation.hub.instance import init_instance
from federation.hub.registry.services import invite
from wijknet.commands import transaction
from wijknet.demo.city import HUB_ID, HUB_NAME, LOCAL_SETTINGS, UTRECHT, CityPlan, ServerPlan

ACTOR = "wijknet demo"


def build_hub(city: CityPlan, now: datetime) -> dict[str, str]:
    """Create the hub's instance and invite every node; the one-time tokens by node id."""
    init_instance(city.hub.instance, hub_id=HUB_ID, name=HUB_NAME, **LOCAL_SETTINGS)
    tokens = {}
    with transaction(create_app(city.hub.instance, {"scheduler": False}), db):
        for node in city.nodes:
            made = invite(
                ACTOR,
                node_id=node.wijk.node_id,
                name=node.wijk.cooperative,
                municipality=UTRECHT,
                areas=[node.wijk.code],
                now=now,
                valid_days=1,  # used within the minute
            )
            tokens[node.wijk.node_id] = made.token
    return tokens


def upgrade_hub(hub: ServerPlan) -> None:
    """Bring a reused hub's database to the newest schema (after an upgrade of wijknet)."""
    init_instance(hub.instance)


@dataclass(frozen=True)
class HubHoldings:
    node_id: str
    reports: int  # every revision received
    late: int  # revisions after the first: corrections of a month already reported
    periods: int
    figures: int  # current figures (the highest revision of each month)


def holdings(hub: ServerPlan) -> list[HubHoldings]:
    """What the hub holds per node, read from its database."""
    with transaction(create_app(hub.instance, {"scheduler": False}), db):
        project_pending()
        figures = dict(db.session.execute(select(Figure.node_id, func.count()).group_by(Figure.node_id)).all())
        rows = db.session.execute(
            select(
                Report.node_id,
                func.count(),
                func.sum(case((Report.revision > 1, 1), else_=0)),
                func.count(func.distinct(Report.period)),
            )
            .group_by(Report.node_id)
            .order_by(Report.node_id)
        ).all()
        return [HubHoldings(node, n, late or 0, periods, figures.get(node, 0)) for node, n, late, periods in rows]
