"""The node's scheduled jobs: plain functions, run once per node by the singleton scheduler."""

from __future__ import annotations

from typing import Any

from flask import Flask

from node.accounts.actor import Actor
from node.extensions import db
from node.federation.link import find_link
from node.federation.sync import deliver_due, sync
from node.privacy.services import apply_retention
from wijknet.web.scheduling import Job, SingletonScheduler, in_app, start_scheduler


def daily_sync() -> dict[str, Any]:
    """Make and deliver the monthly reports, when the node is enrolled."""
    if find_link() is None:
        return {"enrolled": False}
    return sync(Actor.system("scheduler"))


def node_jobs(app: Flask) -> list[Job]:
    return [
        Job("retention", in_app(app, db, apply_retention), "cron", {"hour": 3, "minute": 15}),
        # Early in the night, so the hub has last month's figures by morning.
        Job("federation_sync", in_app(app, db, daily_sync), "cron", {"hour": 2, "minute": 7}),
        # Retries whose backoff has run out; cheap when nothing is due.
        Job("federation_delivery", in_app(app, db, deliver_due), "interval", {"minutes": 1}),
    ]


def start_node_scheduler(app: Flask) -> SingletonScheduler | None:
    return start_scheduler(app, db, "node", node_jobs(app))
