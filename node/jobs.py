"""The node's scheduled jobs: plain functions, run once per node by the singleton scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from node.accounts.actor import Actor
from node.extensions import db
from node.federation.link import find_link
from node.federation.sync import deliver_due, sync
from node.privacy.services import apply_retention
from wijknet.web.scheduling import Job, SingletonScheduler, lock_for

log = logging.getLogger(__name__)


def in_app(app: Flask, func: Callable[[], Any]) -> Callable[[], None]:
    """Run a job inside the app with one transaction: commit on success, roll back on error."""

    def run() -> None:
        with app.app_context():
            try:
                result = func()
                db.session.commit()
                log.info("job %s done: %s", func.__name__, result)
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", func.__name__)

    run.__name__ = func.__name__
    return run


def daily_sync() -> dict[str, Any]:
    """Make and deliver the monthly reports, when the node is enrolled."""
    if find_link() is None:
        return {"enrolled": False}
    return sync(Actor.system("scheduler"))


def node_jobs(app: Flask) -> list[Job]:
    return [
        Job("retention", in_app(app, apply_retention), "cron", {"hour": 3, "minute": 15}),
        # Early in the night, so the hub has last month's figures by morning.
        Job("federation_sync", in_app(app, daily_sync), "cron", {"hour": 2, "minute": 7}),
        # Retries whose backoff has run out; cheap when nothing is due.
        Job("federation_delivery", in_app(app, deliver_due), "interval", {"minutes": 1}),
    ]


def start_scheduler(app: Flask) -> SingletonScheduler | None:
    """Start the jobs in this process if the node's settings want them here."""
    if not app.extensions["wijknet.settings"].scheduler:
        return None
    with app.app_context():
        lock = lock_for(db.engine, Path(app.instance_path), "node")
    scheduler = SingletonScheduler(lock, node_jobs(app))
    scheduler.start()
    app.extensions["wijknet.scheduler"] = scheduler
    return scheduler
