"""The hub's scheduled jobs: plain functions, run once per hub by the singleton scheduler."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from federation.hub.extensions import db
from federation.hub.figures.projection import project_pending
from wijknet.web.scheduling import Job, SingletonScheduler, lock_for

log = logging.getLogger(__name__)


def project_figures(app: Flask) -> None:
    """Keep the figures table close behind the reports, so readers seldom find work to do."""
    with app.app_context():
        try:
            done = project_pending()
            db.session.commit()
            if done:
                log.info("projected the figures of %d node-months", done)
        except Exception:
            db.session.rollback()
            log.exception("projecting figures failed")


def hub_jobs(app: Flask) -> list[Job]:
    return [Job("project_figures", lambda: project_figures(app), "interval", {"seconds": 30})]


def start_scheduler(app: Flask) -> SingletonScheduler | None:
    """Start the jobs in this process if the hub's settings want them here (one process per hub)."""
    if not app.extensions["wijknet.settings"].scheduler:
        return None
    with app.app_context():
        lock = lock_for(db.engine, Path(app.instance_path), "hub")
    scheduler = SingletonScheduler(lock, hub_jobs(app))
    scheduler.start()
    app.extensions["wijknet.scheduler"] = scheduler
    return scheduler
