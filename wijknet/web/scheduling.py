"""Scheduled jobs that run once per instance, however many web workers there are.

Every worker starts a `SingletonScheduler`; only the one holding the
instance's lock runs the jobs. The others try again every minute, so when the
holder dies another takes over. On SQLite (one machine) the lock is a file in
the instance folder; on PostgreSQL it is an advisory lock, which also works
across machines. APScheduler's own job stores are not shared between
processes, which is why the lock is ours.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

RETRY_SECONDS = 60


class InstanceLock(Protocol):
    def try_acquire(self) -> bool: ...

    def release(self) -> None: ...


class FileLock:
    """An exclusive `flock` on a file; the kernel releases it when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock held on a connection of its own."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = zlib.crc32(name.encode("utf-8"))
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self._connection is not None:
            return True
        connection = self.engine.connect()
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}):
            connection.commit()
            self._connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self._connection is not None:
            # Closing only hands the connection back to the pool, and the
            # session -- and its lock -- would live on: unlock explicitly.
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._connection.commit()
            self._connection.close()
            self._connection = None


def lock_for(engine: Engine, instance_path: Path, name: str) -> InstanceLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, f"wijknet-scheduler:{name}")
    return FileLock(instance_path / "scheduler.lock")


@dataclass
class Job:
    id: str
    func: Callable[[], Any]
    trigger: str  # "cron" or "interval"
    trigger_args: dict[str, Any] = field(default_factory=dict)


class SingletonScheduler:
    def __init__(self, lock: InstanceLock, jobs: list[Job], retry_seconds: int = RETRY_SECONDS) -> None:
        self.lock = lock
        self.jobs = jobs
        self.retry_seconds = retry_seconds
        self._scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wijknet-scheduler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.lock.try_acquire():
                self._start_jobs()
                return
            self._stop.wait(self.retry_seconds)

    def _start_jobs(self) -> None:
        scheduler = BackgroundScheduler(timezone="Europe/Amsterdam")
        for job in self.jobs:
            scheduler.add_job(
                job.func,
                job.trigger,
                id=job.id,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
                **job.trigger_args,
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started in process %s with jobs %s", os.getpid(), [j.id for j in self.jobs])

    def shutdown(self) -> None:
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self.lock.release()


def in_app(app: Flask, db: SQLAlchemy, func: Callable[[], Any]) -> Callable[[], None]:
    """A job run inside the app with one transaction: committed on success, rolled back and logged on error."""

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


def start_scheduler(app: Flask, db: SQLAlchemy, name: str, jobs: list[Job]) -> SingletonScheduler | None:
    """Start the jobs in this process if its settings want them here; only the lock holder runs them."""
    if not app.extensions["wijknet.settings"].scheduler:
        return None
    with app.app_context():
        lock = lock_for(db.engine, Path(app.instance_path), name)
    scheduler = SingletonScheduler(lock, jobs)
    scheduler.start()
    app.extensions["wijknet.scheduler"] = scheduler
    return scheduler
