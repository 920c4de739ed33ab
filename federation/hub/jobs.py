"""The hub's scheduled jobs: plain functions, run once per hub by the singleton scheduler."""

from __future__ import annotations

from flask import Flask

from federation.hub.extensions import db
from federation.hub.figures.projection import project_pending
from federation.hub.municipal.schedule import deliver_webhooks, run_scheduled_reports
from wijknet.web.scheduling import Job, SingletonScheduler, in_app, start_scheduler


def hub_jobs(app: Flask) -> list[Job]:
    # Keeps the figures table close behind the reports, so readers seldom find work to do.
    return [
        Job("project_figures", in_app(app, db, project_pending), "interval", {"seconds": 30}),
        # Daily, early: makes the municipal reports that are due and re-checks those late figures changed.
        Job("municipal_reports", in_app(app, db, run_scheduled_reports), "cron", {"hour": 4, "minute": 15}),
        Job("municipal_webhooks", in_app(app, db, deliver_webhooks), "interval", {"minutes": 1}),
    ]


def start_hub_scheduler(app: Flask) -> SingletonScheduler | None:
    return start_scheduler(app, db, "hub", hub_jobs(app))
