"""The hub's scheduled jobs: plain functions, run once per hub by the singleton scheduler."""

from __future__ import annotations

from flask import Flask

from federation.hub.extensions import db
from federation.hub.figures.projection import project_pending
from wijknet.web.scheduling import Job, SingletonScheduler, in_app, start_scheduler


def hub_jobs(app: Flask) -> list[Job]:
    # Keeps the figures table close behind the reports, so readers seldom find work to do.
    return [Job("project_figures", in_app(app, db, project_pending), "interval", {"seconds": 30})]


def start_hub_scheduler(app: Flask) -> SingletonScheduler | None:
    return start_scheduler(app, db, "hub", hub_jobs(app))
