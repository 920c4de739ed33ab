"""The needs analysis's SQL agrees with a plain reading of its definitions, on a generated node.

The queries are shaped for speed (disjoint index ranges, totals added up from
the buurten); this checks them, figure by figure, against the definitions in
`node.needs.services` worked out in Python over the same 20,000 requests.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from bench.loading import load
from bench.node_data import BUURTEN, Batch, NodeDataSpec, generate
from federation.protocol.periods import local_day_bound, period_end, period_start
from node.accounts.actor import Actor
from node.extensions import db
from node.needs.services import NeedsRow, needs_analysis

SPEC = NodeDataSpec(requests=20_000, years=2, first_month="2024-01", seed=7)
ACCEPTED = {"accepted", "completed", "withdrawn"}
Rows = dict[str, list[dict[str, Any]]]
Key = tuple[str, str | None]


@pytest.fixture
def node_data(app: Flask) -> Rows:
    """The generated node, loaded into the test's database and kept in memory for the expectations."""
    rows: Rows = defaultdict(list)

    def keep(batches: Iterator[Batch]) -> Iterator[Batch]:
        for batch in batches:
            rows[batch.table].extend(batch.rows)
            yield batch

    with app.app_context(), db.engine.begin() as connection:
        load(connection, db.metadata, keep(generate(SPEC)))
        load(connection, db.metadata, keep(iter([_on_the_boundaries(rows["help_requests"])])))
    return rows


def _on_the_boundaries(generated: list[dict[str, Any]]) -> Batch:
    """Requests made, matched or closed at the very first instant of a month: the ranges' edges."""
    batch = Batch("help_requests")
    template, first_id = generated[0], len(generated) + 1
    for month in ("2024-07", "2025-01", "2025-10", "2025-12"):
        edge = period_start(month).astimezone(UTC).replace(tzinfo=None)
        before = edge - timedelta(days=3)
        for created, matched, closed in (
            (before, edge, None),
            (before, None, edge),
            (before, edge, edge),
            (edge, None, None),
            (edge, edge + timedelta(hours=1), None),
        ):
            status = "cancelled" if closed and not matched else "done" if closed else "matched" if matched else "open"
            batch.rows.append(
                {
                    **template,
                    "id": first_id + len(batch.rows),
                    "category": "garden",
                    "created_at": created,
                    "matched_at": matched,
                    "closed_at": closed,
                    "status": status,
                }
            )
    return batch


CASES = [
    ("last month", "2025-12", "2025-12", {}),
    ("a quarter", "2025-10", "2025-12", {}),
    ("a year", "2025-01", "2025-12", {}),
    ("everything", "2024-01", "2025-12", {}),
    ("an old month", "2024-06", "2024-06", {}),
    ("one category", "2025-01", "2025-12", {"category": "transport"}),
    ("one buurt", "2025-01", "2025-12", {"buurt_code": next(iter(BUURTEN))}),
]


def test_figures_follow_the_definitions(app: Flask, node_data: Rows) -> None:
    # One test for every period: loading the node is the slow part.
    for name, period_from, period_to, filters in CASES:
        with app.app_context():
            analysis = needs_analysis(Actor.system("tests"), period_from, period_to, now=SPEC.end, **filters)
        rows, totals = _expected(node_data, period_start(period_from), period_end(period_to), **filters)

        assert {(r.category, r.buurt_code): _figures(r) for r in analysis.rows} == rows, name
        assert {r.category: _figures(r) for r in analysis.totals} == totals, name
        assert rows, f"{name}: the generated node has activity in every period tested"
        for listed in (analysis.rows, analysis.totals):
            order = [(-r.gap, r.category, r.buurt_code or "") for r in listed]
            assert order == sorted(order), name

    # A month that has not ended yet is measured up to now.
    now = SPEC.end - timedelta(days=10)
    with app.app_context():
        analysis = needs_analysis(Actor.system("tests"), "2025-12", "2025-12", now=now)
    _, totals = _expected(node_data, period_start("2025-12"), now)
    assert {r.category: _figures(r) for r in analysis.totals} == totals
    assert sum(r.open_requests for r in analysis.totals) > 0


def _figures(row: NeedsRow) -> tuple[Any, ...]:
    return (
        row.demand,
        row.matched,
        row.open_requests,
        row.waiting_days_median,
        row.oldest_waiting_days,
        row.supply,
        row.active_volunteers,
    )


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def _expected(
    data: Rows, start: datetime, end: datetime, category: str | None = None, buurt_code: str | None = None
) -> tuple[dict[Key, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """Every figure per (category, buurt) and per category, straight from the definitions."""
    s, e = start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC).replace(tzinfo=None)
    requests = [
        r
        for r in data["help_requests"]
        if (category is None or r["category"] == category) and (buurt_code is None or r["buurt_code"] == buurt_code)
    ]
    demand: Counter[Key] = Counter()
    matched: Counter[Key] = Counter()
    waits: dict[Key, list[float]] = defaultdict(list)
    waiting: Counter[Key] = Counter()
    oldest: dict[Key, float] = {}
    for r in requests:
        key = (r["category"], r["buurt_code"])
        if s <= r["created_at"] < e:
            demand[key] += 1
        if r["matched_at"] is not None and s <= r["matched_at"] < e:
            matched[key] += 1
            waits[key].append(_days(r["matched_at"], r["created_at"]))
        still_open = all(r[column] is None or r[column] >= e for column in ("matched_at", "closed_at"))
        if r["created_at"] < e and still_open:
            waiting[key] += 1
            oldest[key] = max(oldest.get(key, 0.0), _days(e, r["created_at"]))

    member_buurt = {m["id"]: m["buurt_code"] for m in data["members"]}
    supply = _supply(data, e, member_buurt, category, buurt_code)
    active = _active_volunteers(data, start, end, member_buurt, category, buurt_code)

    keys = set(demand) | set(matched) | set(waiting) | set(supply) | set(active)
    rows = {
        k: (
            demand[k],
            matched[k],
            waiting[k],
            _round(statistics.median(waits[k])) if waits[k] else None,
            _round(oldest.get(k)),
            supply[k],
            active[k],
        )
        for k in keys
    }
    totals = {}
    for cat in {k[0] for k in keys}:
        mine = [k for k in keys if k[0] == cat]
        all_waits = [w for k in mine for w in waits[k]]
        olds = [oldest[k] for k in mine if k in oldest]
        totals[cat] = (
            sum(demand[k] for k in mine),
            sum(matched[k] for k in mine),
            sum(waiting[k] for k in mine),
            _round(statistics.median(all_waits)) if all_waits else None,
            _round(max(olds)) if olds else None,
            sum(supply[k] for k in mine),
            sum(active[k] for k in mine),
        )
    return rows, totals


def _supply(
    data: Rows, e: datetime, member_buurt: dict[int, str | None], category: str | None, buurt_code: str | None
) -> Counter[Key]:
    """Offers whose last status change before the end left them active, per category and the volunteer's buurt."""
    last: dict[int, tuple[datetime, int, str]] = {}
    for change in data["offer_status_changes"]:
        if change["changed_at"] < e:
            mark = (change["changed_at"], change["id"], change["status"])
            last[change["offer_id"]] = max(last.get(change["offer_id"], mark), mark)
    offers = {o["id"]: o for o in data["help_offers"]}
    supply: Counter[Key] = Counter()
    for row in data["offer_categories"]:
        offer = offers[row["offer_id"]]
        buurt = member_buurt[offer["volunteer_id"]]
        active = offer["id"] in last and last[offer["id"]][2] == "active"
        wanted = (category is None or row["category"] == category) and (buurt_code is None or buurt == buurt_code)
        if offer["created_at"] < e and active and wanted:
            supply[(row["category"], buurt)] += 1
    return supply


def _active_volunteers(
    data: Rows,
    start: datetime,
    end: datetime,
    member_buurt: dict[int, str | None],
    category: str | None,
    buurt_code: str | None,
) -> Counter[Key]:
    """Distinct volunteers per category (and their buurt) who accepted a match or logged unpaid hours."""
    s, e = start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC).replace(tzinfo=None)
    request_category = {r["id"]: r["category"] for r in data["help_requests"]}
    matches = {m["id"]: m for m in data["matches"]}
    assignment_category = {a["id"]: a["category"] for a in data["assignments"]}
    pairs = {
        (request_category[m["request_id"]], m["volunteer_id"])
        for m in data["matches"]
        if m["responded_at"] is not None and s <= m["responded_at"] < e and m["status"] in ACCEPTED
    }
    first_day, last_day = local_day_bound(start), local_day_bound(end)
    for log in data["time_logs"]:
        if log["paid"] or not first_day <= log["worked_on"] < last_day:
            continue
        if log["match_id"] is not None:
            pairs.add((request_category[matches[log["match_id"]]["request_id"]], log["member_id"]))
        else:
            pairs.add((assignment_category[log["assignment_id"]], log["member_id"]))
    active: Counter[Key] = Counter()
    for cat, volunteer in pairs:
        buurt = member_buurt[volunteer]
        if (category is None or cat == category) and (buurt_code is None or buurt == buurt_code):
            active[(cat, buurt)] += 1
    return active


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
