"""Making one demo node: its instance, its example data and its example accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from node.app import create_app
from node.demo.accounts import create_example_accounts
from node.demo.generator import DemoSummary, generate
from node.extensions import db
from node.instance import init_instance
from schemas.node.codes import Role
from wijknet.demo.city import LOCAL_SETTINGS, UTRECHT, NodePlan
from wijknet.demo.folder import DemoOptions


@dataclass
class BuiltNode:
    summary: DemoSummary
    emails: dict[str, str]  # role -> e-mail
    password: str
    coordinator_token: str


def build_node(plan: NodePlan, index: int, options: DemoOptions, now: datetime) -> BuiltNode:
    """Create the node's instance and fill it with `options.months` of example data ending `now`."""
    wijk = plan.wijk
    init_instance(
        plan.instance,
        name=wijk.cooperative,
        municipality=UTRECHT,
        wijk=wijk.code,
        buurten=wijk.buurten,
        extra={**LOCAL_SETTINGS, "node_id": wijk.node_id},
    )
    app = create_app(plan.instance, {"scheduler": False})
    with app.app_context():
        try:
            summary = generate(
                seed=options.seed + 1000 * index,  # each wijk its own people
                months=options.months,
                now=now,
                postcode_districts=wijk.postcode_districts,
            )
            accounts = create_example_accounts()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
            db.engine.dispose()
    emails = {role.value: email for role, email in accounts.emails.items()}
    return BuiltNode(summary, emails, accounts.password, accounts.coordinator_token)


def upgrade_node(plan: NodePlan) -> None:
    """Bring a reused node's database to the newest schema (after an upgrade of wijknet)."""
    init_instance(plan.instance)


def describe(summary: DemoSummary) -> str:
    """One line about what the example data holds."""
    return (
        f"{summary.members} members ({summary.roles.get(Role.VOLUNTEER.value, 0)} volunteers), "
        f"{summary.request_total} help requests, {summary.time_logs} time logs, "
        f"{summary.assignments} assignments, {summary.activities} activities, "
        f"{summary.first_period} to {summary.last_period}"
    )
