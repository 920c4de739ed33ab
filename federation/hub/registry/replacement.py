"""A node that lost its only key comes back under a new node id (spec sections 5 and 7).

The protocol gives a node id a key in two ways only: an enrollment, which a
registered node id cannot make again (409 node_exists), and a rotation,
which the current key must sign. A node whose keys are all revoked has
neither, so the hub's administrator invites it again under a new node id
for the same areas. The old node is suspended and its figures stop
counting: the new node sends every month again, and the city must not count
a month twice. The old node's reports stay, verbatim and flagged, for audit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from federation.hub.accounts.actor import HubActor
from federation.hub.extensions import db
from federation.hub.figures.models import Figure, ReportHead
from federation.hub.figures.totals import (
    Sums,
    TotalKey,
    add_difference,
    apply_changes,
    node_month_municipalities,
    node_month_sums,
    refresh_statistics,
)
from federation.hub.registry.models import NodeStatus, RegistryAction
from federation.hub.registry.services import NewInvitation, acting_admin, get_node, has_usable_key, invite, record
from wijknet.errors import Conflict


def invite_replacement(
    actor: HubActor | str,
    *,
    replaces: str,
    node_id: str,
    name: str | None,
    municipality: str | None,
    areas: list[str] | None,
    now: datetime,
    valid_days: int,
) -> NewInvitation:
    """An invitation under a new node id for a node without a usable key; by default for its name and areas."""
    actor = acting_admin(actor)
    old = get_node(replaces)
    if has_usable_key(old):
        raise Conflict(
            f"Node {replaces} still has a usable key, so it needs no new node id: to replace its key the node "
            f"runs `wijknet node rotate-key`. If that key was lost or stolen, revoke it first "
            f"(`wijknet hub revoke-key --kid KID`)."
        )
    made = invite(
        actor,
        node_id=node_id,
        name=name or old.name,
        municipality=municipality or old.municipality,
        areas=areas or old.areas,
        now=now,
        valid_days=valid_days,
    )
    if old.status != NodeStatus.SUSPENDED:
        old.status, old.suspended_at = NodeStatus.SUSPENDED, now
    withdraw_figures(replaces)
    record(actor, RegistryAction.SUSPEND, node_id=replaces, detail=f"replaced by {node_id}: its figures stop counting")
    return made


def withdraw_figures(node_id: str) -> int:
    """Take the node's current figures out of the figures and their totals; returns the months withdrawn.

    The heads are marked projected first, so that no reader's projection
    brings the figures back; with no usable key the node cannot move a head again.
    """
    db.session.execute(
        update(ReportHead).where(ReportHead.node_id == node_id).values(projected_pk=ReportHead.report_pk)
    )
    periods = list(db.session.scalars(select(Figure.period).where(Figure.node_id == node_id).distinct()))
    changes: dict[TotalKey, Sums] = {}
    municipality_months: set[tuple[str, str]] = set()
    for period in sorted(periods):
        municipality_months |= {(period, m) for m in node_month_municipalities(node_id, period)}
        add_difference(changes, node_month_sums(node_id, period), {})
    db.session.execute(delete(Figure).where(Figure.node_id == node_id))
    apply_changes(changes)
    refresh_statistics(municipality_months)
    db.session.flush()
    return len(periods)
