"""One demo node made, or brought up to date, in a process of its own, so that the nodes are made side by side.

`python -m wijknet.demo.node_job JOB` reads the job the demo wrote (JSON),
says what it is doing on standard output (`phase: ...` lines, which the
demo's progress display shows; the demo sends them to the node's setup log)
and writes its result beside the job. Made afresh, a node gets its example
data, enrols at the hub, delivers its reports, receives a few late
corrections and delivers the revisions they cause.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from random import Random
from typing import Any

import requests
from flask import Flask

from federation.protocol.messages import WELL_KNOWN_PATH
from node.accounts.actor import Actor
from node.app import create_app
from node.extensions import db
from node.federation.enrollment import enroll
from node.federation.link import client_for
from node.federation.sync import sync
from node.members.services import find_by_email
from schemas.node.codes import Role
from wijknet.commands import transaction
from wijknet.demo.city import CityPlan, NodePlan, plan_city
from wijknet.demo.folder import DemoOptions

PHASE = "phase: "
HUB_WAIT_SECONDS = 60.0


class NodeJobError(Exception):
    """The node could not be made as the demo needs it; the message says why."""


@dataclass(frozen=True)
class NodeJob:
    build: bool  # False: the node exists; bring it up to date and sync
    root: str
    options: dict[str, int]  # DemoOptions
    index: int  # which of the city's nodes
    now: str  # ISO 8601: where every node's example data ends
    token: str | None = None  # the hub's invitation, when building

    @classmethod
    def make(
        cls, *, build: bool, root: Path, options: DemoOptions, index: int, now: datetime, token: str | None = None
    ) -> NodeJob:
        return cls(build, str(root), asdict(options), index, now.isoformat(), token)

    @property
    def demo_options(self) -> DemoOptions:
        return DemoOptions(**self.options)

    @property
    def city(self) -> CityPlan:
        return plan_city(Path(self.root), self.demo_options.port, self.demo_options.nodes)

    @property
    def plan(self) -> NodePlan:
        return self.city.nodes[self.index]

    @property
    def hub_url(self) -> str:
        return self.city.hub.url


def job_path(root: Path, node_id: str) -> Path:
    return root / "jobs" / f"{node_id}.json"


def result_path(job: Path) -> Path:
    return job.with_suffix(".result.json")


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON that holds tokens: readable by its owner only, and whole or not at all."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, default=str)
    os.replace(temporary, path)


def last_phase(log: Path) -> str:
    """What a node job last said it was doing, from its log."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return next((line[len(PHASE) :] for line in reversed(lines) if line.startswith(PHASE)), "")


def phase(text: str) -> None:
    print(f"{PHASE}{text}", flush=True)


def run(job: NodeJob) -> dict[str, Any]:
    return build(job) if job.build else resume(job)


def build(job: NodeJob) -> dict[str, Any]:
    """A new node: example data, enrollment, reports, late corrections and the revisions they cause."""
    # Imported here: the generator brings Faker, which a node brought up to date does not need.
    from wijknet.demo.build import build_node, describe
    from wijknet.demo.late import make_late_corrections

    plan, options, now = job.plan, job.demo_options, datetime.fromisoformat(job.now)
    phase("example data")
    built = build_node(plan, job.index, options, now)
    wait_for_hub(job.hub_url)
    app = create_app(plan.instance, {"scheduler": False})
    phase("enrolling")
    with transaction(app, db):
        client = client_for(job.hub_url)
        kid = enroll(Actor.system("demo"), client, node_id=plan.wijk.node_id, token=job.token or "", now=now).kid
    phase("reports")
    first = sync_all(app)
    phase("late corrections")
    with transaction(app, db):
        coordinator = find_by_email(built.emails[Role.COORDINATOR.value])
        if coordinator is None:
            raise NodeJobError("the example data has no coordinator to make the corrections")
        actor = Actor.for_member(coordinator.id, [Role.COORDINATOR.value])
        late = make_late_corrections(actor, Random(f"late-{options.seed}-{plan.wijk.node_id}"), now)
    phase("late revisions")
    second = sync_all(app)
    return {
        "node_id": plan.wijk.node_id,
        "kid": kid,
        "contents": describe(built.summary),
        "emails": built.emails,
        "password": built.password,
        "coordinator_token": built.coordinator_token,
        "delivered": first["delivered"] + second["delivered"],
        "late": late,
        "revisions": second["revisions"],
    }


def resume(job: NodeJob) -> dict[str, Any]:
    """An existing node: the newest database schema, then whatever changed since is delivered."""
    from wijknet.demo.build import upgrade_node

    plan = job.plan
    phase("upgrading")
    upgrade_node(plan)
    wait_for_hub(job.hub_url)
    phase("syncing")
    summary = sync_all(create_app(plan.instance, {"scheduler": False}))
    return {"node_id": plan.wijk.node_id, "delivered": summary["delivered"], "revisions": summary["revisions"]}


def sync_all(app: Flask) -> dict[str, Any]:
    """Make and deliver the reports; the demo needs every one accepted by the hub."""
    with transaction(app, db):
        summary = sync(Actor.system("demo"))
    if summary["failed"] or summary["waiting"] or summary["busy"]:
        problems = "; ".join(summary["errors"]) or "another sender was at work"
        counts = f"failed {summary['failed']}, waiting {summary['waiting']}"
        raise NodeJobError(f"the hub did not accept every report ({counts}): {problems}")
    return summary


def wait_for_hub(url: str, timeout: float = HUB_WAIT_SECONDS) -> None:
    """The demo starts the hub alongside the nodes' jobs: wait until it answers."""
    phase("waiting for the hub")
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url + WELL_KNOWN_PATH, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise NodeJobError(f"the hub did not answer at {url} within {timeout:.0f} seconds")
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    path = Path(argv[1])
    job = NodeJob(**json.loads(path.read_text(encoding="utf-8")))
    try:
        outcome = run(job)
    except Exception as exc:
        traceback.print_exc(file=sys.stdout)
        print(f"The node could not be made: {exc}", flush=True)
        return 1
    write_private_json(result_path(path), outcome)
    phase("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
