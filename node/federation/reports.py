"""Making the monthly reports: figures, disclosure control, a new revision only when they changed.

The revision and the signed report go into the outbox in the same
transaction that records them as published (spec section 6.1), so that a
crash can lose neither: either both are there, or the next sync makes them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from federation.protocol import envelopes
from federation.protocol.disclosure import Figure, suppress
from federation.protocol.encoding import json_dumps
from federation.protocol.keys import SigningKey
from federation.protocol.messages import REPORT, format_timestamp
from federation.protocol.periods import (
    is_complete,
    period_of,
    period_of_date,
    periods_between,
    shift_period,
)
from node.activities.models import Activity
from node.extensions import db
from node.federation.figures import Areas, compute_cells
from node.federation.models import HubLink, OutboxItem, OutboxKind, PublishedPeriod
from node.help.models import HelpRequest
from node.members.models import Member
from node.settings.services import get_setting
from node.work.models import Invoice, TimeLog

# How far back figures are recomputed and, when they changed, sent again.
MAX_MONTHS_BACK = 60


@dataclass
class BuildSummary:
    periods_checked: int = 0
    revisions: list[dict[str, Any]] = field(default_factory=list)  # {"period", "revision"} made now
    min_count: int = 0


def node_areas() -> Areas:
    settings = current_app.extensions["wijknet.settings"]
    return Areas(settings.wijk, frozenset(settings.buurten))


def periods_to_report(now: datetime) -> list[str]:
    """From the month of the node's first data (at most five years back) to the current month."""
    current = period_of(now)
    firsts = [
        db.session.scalar(select(func.min(Member.joined_on))),
        db.session.scalar(select(func.min(HelpRequest.created_at))),
        db.session.scalar(select(func.min(Activity.held_on))),
        db.session.scalar(select(func.min(TimeLog.worked_on))),
        db.session.scalar(select(func.min(Invoice.invoiced_on))),
    ]
    months = [period_of(f) if isinstance(f, datetime) else period_of_date(f) for f in firsts if isinstance(f, date)]
    first = max(min(months, default=current), shift_period(current, -(MAX_MONTHS_BACK - 1)))
    return periods_between(min(first, current), current)


def figure_json(figure: Figure) -> dict[str, Any]:
    """A figure as the protocol writes it: `suppressed` only where the value is withheld."""
    if figure.suppressed:
        return {"area": figure.area, "category": figure.category, "metric": figure.metric, "value": None,
                "suppressed": True}  # fmt: skip
    value = figure.value
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return {"area": figure.area, "category": figure.category, "metric": figure.metric, "value": value}


def build_reports(link: HubLink, key: SigningKey, now: datetime) -> BuildSummary:
    """Compute every month's figures and put a new, signed revision in the outbox where they changed."""
    min_count = max(link.min_count, int(get_setting("min_count")))
    periods = periods_to_report(now)
    cells = compute_cells(periods, node_areas())
    summary = BuildSummary(periods_checked=len(periods), min_count=min_count)
    for period in periods:
        figures = [figure_json(f) for f in suppress(cells[period], min_count)]
        complete = is_complete(period, now)
        digest = hashlib.sha256(json_dumps({"min_count": min_count, "figures": figures})).hexdigest()
        published = db.session.get(PublishedPeriod, period)
        if published is not None and published.figures_digest == digest and published.complete == complete:
            continue
        revision = 1 if published is None else published.revision + 1
        report_id = str(uuid.uuid4())
        payload = {
            "schema": REPORT.schema,
            "report_id": report_id,
            "node_id": link.node_id,
            "period": period,
            "revision": revision,
            "complete": complete,
            "issued_at": format_timestamp(now),
            "disclosure": {"min_count": min_count, "method": "suppress"},
            "figures": figures,
        }
        envelope = envelopes.report(key, payload)
        if published is None:
            published = PublishedPeriod(period=period)
            db.session.add(published)
        published.revision, published.figures_digest, published.report_id = revision, digest, report_id
        published.complete, published.made_at = complete, now
        db.session.add(
            OutboxItem(
                kind=OutboxKind.REPORT,
                subject_id=report_id,
                period=period,
                revision=revision,
                body=envelope.body,
                media_type=envelope.media_type,
                endpoint="reports",
                created_at=now,
                next_attempt_at=now,
            )
        )
        summary.revisions.append({"period": period, "revision": revision})
    db.session.flush()
    return summary
