"""The demo's hub: its instance with an invitation per node, and what it holds once the nodes have synced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.services import create_user, generate_password
from federation.hub.app import create_app
from federation.hub.areas.services import import_cbs_csv, seed_utrecht
from federation.hub.areas.utrecht import EXAMPLE_CSV, EXAMPLE_YEAR
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, Report
from federation.hub.figures.projection import project_pending
from federation.hub.instance import init_instance
from federation.hub.municipal.schedule import run_scheduled_reports
from federation.hub.registry.services import invite
from federation.hub.settings.services import set_valuation
from wijknet.commands import transaction
from wijknet.demo.city import HUB_ID, HUB_NAME, LOCAL_SETTINGS, UTRECHT, CityPlan, ServerPlan

ACTOR = "wijknet demo"


# The hub's example accounts: one per role, the municipality's for Utrecht.
HUB_ACCOUNTS = (
    ("admin", "beheer@hub.example.org", HubRole.ADMIN, None),
    ("analyst", "analist@hub.example.org", HubRole.ANALYST, None),
    ("municipality", "gemeente@utrecht.example.org", HubRole.MUNICIPALITY, UTRECHT),
)
# An example valuation of volunteer hours, labelled as such: the city cooperative chooses its own.
EXAMPLE_VALUATION = {
    "method": "replacement_cost",
    "rate": "18.50",
    "source": "Voorbeeld: vervangingswaarde van een uur vrijwilligerswerk (geen vastgestelde waarde)",
    "source_url": None,
    "valid_from": date(2024, 1, 1),
}


@dataclass
class BuiltHub:
    tokens: dict[str, str]  # the one-time enrolment token by node id
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)  # by role: email, password


def build_hub(city: CityPlan, now: datetime) -> BuiltHub:
    """Create the hub's instance, invite every node, and give it what its pages need to show the city.

    That is: Utrecht's wijken by CBS code and name with example population, an example valuation
    of volunteer hours, and an account per role (one password, printed when the demo is ready).
    """
    init_instance(city.hub.instance, hub_id=HUB_ID, name=HUB_NAME, **LOCAL_SETTINGS)
    built = BuiltHub({})
    password = generate_password()
    actor = HubActor.system(ACTOR)
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
            built.tokens[node.wijk.node_id] = made.token
        seed_utrecht(actor)
        import_cbs_csv(actor, EXAMPLE_CSV.read_bytes(), year=EXAMPLE_YEAR)
        set_valuation(actor, **EXAMPLE_VALUATION, now=now)
        for role, email, hub_role, municipality in HUB_ACCOUNTS:
            create_user(actor, email=email, role=hub_role, municipality=municipality, name=None, password=password)
            built.accounts[role] = {"email": email, "password": password}
    return built


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


def make_municipal_reports(hub: ServerPlan) -> dict[str, list[str]]:
    """What the daily job does, at once: the municipal reports due now, so the demo's report page has them."""
    with transaction(create_app(hub.instance, {"scheduler": False}), db):
        project_pending()
        return run_scheduled_reports()
