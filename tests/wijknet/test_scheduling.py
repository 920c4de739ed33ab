"""Scheduled jobs run in one process per instance, however many web workers offer to run them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from wijknet.web.scheduling import AdvisoryLock, FileLock, InstanceLock, Job, SingletonScheduler


def wait_for(condition, seconds: float = 5) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def exactly_one_leader(first: InstanceLock, second: InstanceLock) -> None:
    ran: list[str] = []
    jobs = lambda name: [Job("tick", lambda: ran.append(name), "interval", {"seconds": 0.05})]  # noqa: E731
    a = SingletonScheduler(first, jobs("a"), retry_seconds=0.05)
    b = SingletonScheduler(second, jobs("b"), retry_seconds=0.05)
    a.start()
    assert wait_for(lambda: a.is_leader)
    b.start()
    try:
        assert wait_for(lambda: "a" in ran)
        time.sleep(0.3)
        assert not b.is_leader and "b" not in ran
        a.shutdown()  # the leader's worker stops: the other takes over
        assert wait_for(lambda: b.is_leader)
        assert wait_for(lambda: "b" in ran)
    finally:
        a.shutdown()
        b.shutdown()


def test_file_lock_lets_one_worker_run_the_jobs(tmp_path: Path) -> None:
    exactly_one_leader(FileLock(tmp_path / "scheduler.lock"), FileLock(tmp_path / "scheduler.lock"))


@pytest.mark.postgres
def test_advisory_lock_lets_one_process_run_the_jobs(fresh_postgres_database: str) -> None:
    engine = create_engine(fresh_postgres_database.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        exactly_one_leader(AdvisoryLock(engine, "tests"), AdvisoryLock(engine, "tests"))
        # Released for real: a third can take it at once.
        third = AdvisoryLock(engine, "tests")
        assert third.try_acquire()
        third.release()
    finally:
        engine.dispose()
