"""`generate`: a node's example data for a span of months ending now, the same for the same seed.

It writes straight through the models, in a few large flushes, because going
through the services one permission check and audit line at a time would
take minutes; the stories in `node.demo.help` follow the services' workflow
rules instead. It runs inside the app context and only flushes: the caller
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from sqlalchemy import func, select

from federation.protocol.periods import period_of
from node.activities.models import Activity
from node.areas.services import buurt_codes, check_buurt
from node.audit.models import AuditEvent
from node.demo.activities import add_activities
from node.demo.corrections import Correction, CorrectionKind, add_corrections
from node.demo.help import add_help
from node.demo.people import add_people, end_some_memberships
from node.demo.timeline import Timeline
from node.demo.work import add_work
from node.demo.world import World
from node.extensions import db
from node.help.models import HelpOffer, HelpRequest
from node.matching.models import Match
from node.members.models import Member, MemberRole
from node.needs.activity import rebuild_activity
from node.settings.models import NodeSetting
from node.work.models import Assignment, Invoice, TimeLog
from schemas.node.codes import AuditAction


@dataclass
class DemoSummary:
    """What was made, counted in the database afterwards."""

    first_period: str
    last_period: str
    members: int
    roles: dict[str, int]
    requests: dict[str, int]  # by status
    matches: dict[str, int]  # by status
    offers: int
    time_logs: int
    assignments: int
    invoices: int
    activities: int
    privacy_statement_version: str
    corrections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def request_total(self) -> int:
        return sum(self.requests.values())


def generate(
    *,
    seed: int,
    months: int,
    now: datetime,
    buurten: Sequence[str] | None = None,
    postcode_districts: Sequence[str] | None = None,
) -> DemoSummary:
    """Members, help, work and activities over the `months` before `now` (and this month so far).

    Meant for a new node: one with members already is refused. `buurten`
    default to the node's own; addresses get the four-digit
    `postcode_districts` (35xx, Utrecht), one per buurt in turn.
    """
    if _count(Member):
        raise ValueError("the node has members already; example data goes into a new node")
    codes = sorted(buurten if buurten is not None else buurt_codes())
    if not codes:
        raise ValueError("the node has no buurten configured; the example data lives in buurten")
    for code in codes:
        check_buurt(code)
    timeline = Timeline.ending(now, months)
    districts = list(postcode_districts or _districts(seed, len(codes)))
    world = World.create(seed, timeline, codes, {c: districts[i % len(districts)] for i, c in enumerate(codes)})

    add_people(world)
    stories = add_help(world)
    work = add_work(world)
    add_activities(world)
    still_open = {story.requester.member.id for story in stories if not story.is_closed}
    last_closed: dict[int, datetime] = {}
    for story in stories:
        closed, requester_id = story.request.closed_at, story.requester.member.id
        if closed is not None:
            last_closed[requester_id] = max(closed, last_closed.get(requester_id, closed))
    end_some_memberships(world, last_closed, still_open)
    corrections = add_corrections(world, stories, work)
    _set_privacy_statement(world)
    db.session.flush()
    rebuild_activity()  # what the services keep as they go, for data written straight through the models
    _audit_corrections(corrections)
    db.session.flush()
    return _summarise(timeline, world, corrections)


def _districts(seed: int, count: int) -> list[str]:
    """Utrecht postcode districts (35xx) for addresses when the caller names none."""
    rng = Random(f"districts-{seed}")
    return [f"35{rng.randint(11, 99)}" for _ in range(count)]


def _set_privacy_statement(world: World) -> None:
    """The node's current privacy statement is the one members agreed to since the change."""
    row = db.session.get(NodeSetting, "privacy_statement_version")
    if row is None:
        row = NodeSetting(key="privacy_statement_version")
        db.session.add(row)
    row.value = world.new_statement
    row.updated_at = world.statement_change


def _audit_corrections(corrections: list[Correction]) -> None:
    """The audit log shows who made each late change, and when (field names only, as always)."""
    for c in corrections:
        late_log = c.kind == CorrectionKind.LATE_TIME_LOG
        subject = c.subject
        member_id = subject.member_id if isinstance(subject, TimeLog) else subject.requester_id
        db.session.add(
            AuditEvent(
                at=c.at,
                actor_member_id=c.coordinator_id,
                actor_label=f"member {c.coordinator_id}",
                action=AuditAction.CREATE if late_log else AuditAction.UPDATE,
                subject_type="time_log" if late_log else "help_request",
                subject_id=subject.id,
                subject_member_id=member_id,
                detail=None if late_log else "fields: category",
            )
        )


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _by(column: Any) -> dict[str, int]:
    return {str(key): count for key, count in db.session.execute(select(column, func.count()).group_by(column))}


def _summarise(timeline: Timeline, world: World, corrections: list[Correction]) -> DemoSummary:
    return DemoSummary(
        first_period=period_of(timeline.start),
        last_period=period_of(timeline.now),
        members=_count(Member),
        roles=_by(MemberRole.role),
        requests=_by(HelpRequest.status),
        matches=_by(Match.status),
        offers=_count(HelpOffer),
        time_logs=_count(TimeLog),
        assignments=_count(Assignment),
        invoices=_count(Invoice),
        activities=_count(Activity),
        privacy_statement_version=world.new_statement,
        corrections=[
            {
                "kind": c.kind.value,
                "subject_id": c.subject.id,
                "period": c.period,
                "at": c.at,
                "before": c.before,
                "after": c.after,
            }
            for c in corrections
        ],
    )
