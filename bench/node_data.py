"""A synthetic node's history: members, offers, requests, matches and hours, made fast and reproducibly.

Rows come out as plain dicts of database values (naive UTC datetimes, whole
hundredths, code strings) in batches, parents before children, so a loader can
stream them into a table without the ORM. The same seed gives the same node.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from federation.protocol.codelists import CATEGORY_CODES
from federation.protocol.periods import period_end, period_start, shift_period
from schemas.node.codes import (
    AVAILABILITY_SLOTS,
    AssignmentStatus,
    MatchStatus,
    MembershipStatus,
    OfferStatus,
    PartnerKind,
    RequestStatus,
    Role,
)

# Bump when the generator's output changes, so cached databases are rebuilt.
# 2: the category on matches and time logs (and the waiting time, which the loader derives).
# 3: the volunteers' months of activity (derived by the loader).
GENERATOR_VERSION = 3

MUNICIPALITY, WIJK = "GM0344", "WK034402"
BUURTEN = {f"{WIJK.replace('WK', 'BU')}{n:02d}": f"Buurt {n}" for n in range(1, 9)}
BUURT_WEIGHTS = (20, 16, 14, 12, 11, 10, 9, 8)
# Shopping, odd jobs, transport and company are asked for most (as in the cooperatives' year reports).
CATEGORY_WEIGHTS = dict(zip(CATEGORY_CODES, (6, 18, 17, 14, 9, 7, 13, 5, 5, 3, 3), strict=True))
URGENCIES = ("low", "normal", "high", "urgent")
URGENCY_WEIGHTS = (15, 65, 15, 5)
RETENTION_DAYS = 24 * 30.44  # the node's default retention: free text cleared 24 months after closing
DAY = 86400.0
EPOCH = datetime(1970, 1, 1)
DESCRIPTIONS = (
    "Boodschappen doen, ik kan niet goed lopen.",
    "Hulp bij het invullen van formulieren van de gemeente.",
    "Iemand die mee kan naar het ziekenhuis.",
    "Mijn tuin is te veel werk geworden.",
    "Wie helpt mij met mijn nieuwe telefoon?",
    "Een lamp ophangen en een kast in elkaar zetten.",
    "Graag af en toe een kopje koffie en een praatje.",
    "Hulp bij het aanvragen van toeslagen.",
)


@dataclass(frozen=True)
class NodeDataSpec:
    """How big a node, over which months; everything else follows in proportion."""

    requests: int = 1_000_000
    years: int = 5
    first_month: str = "2021-01"
    seed: int = 2026

    @property
    def months(self) -> int:
        return self.years * 12

    @property
    def last_month(self) -> str:
        return shift_period(self.first_month, self.months - 1)

    @property
    def start(self) -> datetime:
        return period_start(self.first_month)

    @property
    def end(self) -> datetime:
        """The first instant after the data: the 'now' of the generated node."""
        return period_end(self.last_month)

    @property
    def members(self) -> int:
        return max(50, self.requests * 6 // 100)

    @property
    def offers(self) -> int:
        return max(20, self.requests * 15 // 1000)

    @property
    def assignments(self) -> int:
        return max(4, self.requests // 2500)

    @property
    def partners(self) -> int:
        return max(2, self.assignments // 20)

    def key(self) -> str:
        """A short name for this data set, for caches."""
        text = json.dumps({**asdict(self), "version": GENERATOR_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Batch:
    table: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def generate(spec: NodeDataSpec, batch_size: int = 50_000) -> Iterator[Batch]:
    """Every row of the node, parents before children, in batches of about `batch_size` requests."""
    return _Generator(spec).batches(batch_size)


def _at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def _local_day(seconds: float) -> date:
    # Amsterdam is UTC+1 or +2; an hour off on some nights does not matter for synthetic hours.
    return (EPOCH + timedelta(seconds=seconds + 3600)).date()


class _Generator:
    def __init__(self, spec: NodeDataSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.t0 = spec.start.timestamp()
        self.t1 = spec.end.timestamp()
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_cum = list(_cumulative(CATEGORY_WEIGHTS.values()))
        self.buurten = list(BUURTEN)
        self.buurt_cum = list(_cumulative(BUURT_WEIGHTS))
        self.urgency_cum = list(_cumulative(URGENCY_WEIGHTS))
        self.member_joined: list[float] = []  # by member id - 1, ascending
        self.member_buurt: list[str | None] = []
        self.volunteer_ids: list[int] = []  # ascending by joining
        self.volunteer_joined: list[float] = []
        self.coordinator_ids: list[int] = []
        self.time_log_id = 0

    def batches(self, batch_size: int) -> Iterator[Batch]:
        yield from self._members()
        yield from self._offers()
        yield from self._assignments()
        yield from self._requests(batch_size)

    # --- choosing -------------------------------------------------------

    def _instant(self) -> float:
        """A moment in the data's span: more requests as the cooperative grows, mostly in office hours."""
        g = 0.8  # the last month sees 1.8 times the first
        u = self.rng.random()
        x = (-(1 - g / 2) + math.sqrt((1 - g / 2) ** 2 + 2 * g * u)) / g
        days = int(x * (self.t1 - self.t0) / DAY)
        # Four in five between 08:00 and 18:00 in Amsterdam (winter time).
        second = self.rng.uniform(7, 17) * 3600 if self.rng.random() < 0.8 else self.rng.uniform(0, DAY)
        return min(self.t0 + days * DAY + second, self.t1 - 1)

    def _pick(self, values: list[Any], cumulative: list[float]) -> Any:
        return values[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _member_by(self, t: float) -> int:
        """A member who had joined by `t`."""
        joined = max(1, bisect.bisect(self.member_joined, t))
        return self.rng.randrange(joined) + 1

    def _volunteer_by(self, t: float) -> int:
        """A volunteer who had joined by `t`; those who joined early do more of the work."""
        joined = max(1, bisect.bisect(self.volunteer_joined, t))
        return self.volunteer_ids[int(joined * self.rng.random() ** 1.5)]

    def _days(self, median: float, sigma: float) -> float:
        return self.rng.lognormvariate(math.log(median), sigma) * DAY

    # --- tables ---------------------------------------------------------

    def _members(self) -> Iterator[Batch]:
        rng, n = self.rng, self.spec.members
        # A fifth were members before the data starts; the rest joined over the years.
        joined = sorted(
            self.t0 - rng.uniform(0, 3 * 365 * DAY) if rng.random() < 0.2 else self._instant() for _ in range(n)
        )
        members, roles = Batch("members"), Batch("member_roles")
        for i, t in enumerate(joined, start=1):
            buurt = None if rng.random() < 0.02 else self._pick(self.buurten, self.buurt_cum)
            left = t + rng.uniform(180, 1500) * DAY if rng.random() < 0.1 else None
            status = MembershipStatus.ENDED if left is not None and left < self.t1 else MembershipStatus.ACTIVE
            self.member_joined.append(t)
            self.member_buurt.append(buurt)
            members.rows.append(
                {
                    "id": i,
                    "kind": "organisation" if rng.random() < 0.01 else "resident",
                    "name": f"Lid {i}",
                    "email": f"lid{i}@example.org",
                    "phone": None,
                    "street_address": None,
                    "postcode": None,
                    "notes": None,
                    "birth_year": rng.randint(1930, 2005),
                    "buurt_code": buurt,
                    "status": status.value,
                    "joined_on": _local_day(t),
                    "left_on": _local_day(left) if status == MembershipStatus.ENDED else None,
                    "availability": [],
                    "erased_at": None,
                    "created_at": _at(t),
                    "updated_at": _at(t),
                }
            )
            role = None
            if i <= 5:
                role = Role.COORDINATOR
                self.coordinator_ids.append(i)
            elif rng.random() < 0.2:
                role = Role.VOLUNTEER
                self.volunteer_ids.append(i)
                self.volunteer_joined.append(t)
            if role is not None:
                roles.rows.append({"member_id": i, "role": role.value, "granted_at": _at(t)})
        yield members
        yield roles

    def _offers(self) -> Iterator[Batch]:
        rng = self.rng
        offers, categories, changes = Batch("help_offers"), Batch("offer_categories"), Batch("offer_status_changes")
        for i in range(1, self.spec.offers + 1):
            t = self._instant()
            history = [(t, OfferStatus.ACTIVE)]
            at = t
            if rng.random() < 0.35:
                at += self._days(200, 0.8)
                history.append((at, OfferStatus.PAUSED))
                if rng.random() < 0.5:
                    at += self._days(90, 0.8)
                    history.append((at, OfferStatus.ACTIVE))
            if rng.random() < 0.25:
                at += self._days(400, 0.8)
                history.append((at, OfferStatus.ENDED))
            history = [(when, status) for when, status in history if when < self.t1]
            offers.rows.append(
                {
                    "id": i,
                    "volunteer_id": self._volunteer_by(t),
                    "description": None,
                    "availability": rng.sample(AVAILABILITY_SLOTS, 3),
                    "frequency": rng.choice(("once", "weekly", "monthly", "occasionally")),
                    "status": history[-1][1].value,
                    "created_at": _at(t),
                    "updated_at": _at(history[-1][0]),
                }
            )
            chosen = {self._pick(self.categories, self.category_cum) for _ in range(rng.randint(1, 3))}
            categories.rows.extend({"offer_id": i, "category": c} for c in sorted(chosen))
            first_id = len(changes.rows) + 1
            changes.rows.extend(
                {"id": first_id + k, "offer_id": i, "status": status.value, "changed_at": _at(when)}
                for k, (when, status) in enumerate(history)
            )
        yield offers
        yield categories
        yield changes

    def _assignments(self) -> Iterator[Batch]:
        """Partners' work (wijkbedrijf), with about a tenth of all hours logged on it."""
        rng, spec = self.rng, self.spec
        partners = Batch("partners")
        kinds = [k.value for k in PartnerKind]
        for i in range(1, spec.partners + 1):
            partners.rows.append(
                {"id": i, "name": f"Partner {i}", "kind": kinds[i % len(kinds)], "created_at": _at(self.t0)}
            )
        yield partners
        assignments, logs = Batch("assignments"), Batch("time_logs")
        logs_each = spec.requests * 15 // 100 // spec.assignments
        for i in range(1, spec.assignments + 1):
            t = self._instant()
            ends = t + rng.uniform(30, 365) * DAY
            paid = rng.random() < 0.6
            category = rng.choice(("garden", "home_energy", "practical", "social", "digital"))
            assignments.rows.append(
                {
                    "id": i,
                    "partner_id": rng.randint(1, spec.partners),
                    "title": f"Opdracht {i}",
                    "description": None,
                    "category": category,
                    "buurt_code": self._pick(self.buurten, self.buurt_cum),
                    "paid": paid,
                    "budget_cents": rng.randint(10, 500) * 10_000,
                    "status": (AssignmentStatus.DONE if ends < self.t1 else AssignmentStatus.ACTIVE).value,
                    "starts_on": _local_day(t),
                    "ends_on": _local_day(ends),
                    "created_at": _at(t),
                    "updated_at": _at(t),
                }
            )
            crew = [self._volunteer_by(t) for _ in range(rng.randint(3, 12))]
            last = min(ends, self.t1 - DAY)
            for _ in range(logs_each):
                worked = rng.uniform(t, max(t, last))
                logs.rows.append(self._time_log(rng.choice(crew), None, i, category, worked, paid))
        yield assignments
        yield logs

    def _time_log(
        self,
        member_id: int,
        match_id: int | None,
        assignment_id: int | None,
        category: str | None,
        t: float,
        paid: bool,
    ):
        self.time_log_id += 1
        return {
            "id": self.time_log_id,
            "member_id": member_id,
            "match_id": match_id,
            "assignment_id": assignment_id,
            "category": category,  # None on a match: its request's, filled in once that is chosen
            "worked_on": _local_day(t),
            "hours_hundredths": self.rng.choice((50, 75, 100, 150, 200, 250, 300, 400)),
            "paid": paid,
            "note": None,
            "created_at": _at(min(t + 6 * 3600, self.t1 - 1)),
            "created_by_id": member_id,
        }

    def _requests(self, batch_size: int) -> Iterator[Batch]:
        created = sorted(self._instant() for _ in range(self.spec.requests))
        match_id = 0
        for offset in range(0, len(created), batch_size):
            requests, matches, logs = Batch("help_requests"), Batch("matches"), Batch("time_logs")
            for i, t in enumerate(created[offset : offset + batch_size], start=offset + 1):
                request, request_matches, request_logs = self._request(i, t, match_id)
                match_id += len(request_matches)
                requests.rows.append(request)
                matches.rows.extend(request_matches)
                logs.rows.extend(request_logs)
            yield requests
            yield matches
            yield logs

    def _request(self, request_id: int, t: float, last_match_id: int) -> tuple[dict, list[dict], list[dict]]:
        """One request and what happened to it: most are matched and done, some cancelled or referred."""
        rng, end = self.rng, self.t1
        requester = self._member_by(t)
        recurrence = "none" if rng.random() < 0.85 else rng.choice(("weekly", "fortnightly", "monthly"))
        status, matched, started, closed, referral = RequestStatus.OPEN, None, None, None, None
        matches: list[dict] = []
        logs: list[dict] = []

        def match(volunteer: int, proposed: float, status: MatchStatus, responded: float | None) -> int:
            matches.append(
                {
                    "id": last_match_id + len(matches) + 1,
                    "request_id": request_id,
                    "volunteer_id": volunteer,
                    "category": None,  # the request's, filled in once that is chosen
                    "status": status.value,
                    "proposed_at": _at(proposed),
                    "proposed_by_id": rng.choice(self.coordinator_ids),
                    "responded_at": None if responded is None else _at(responded),
                    "completed_at": None,
                    "withdrawn_at": None,
                    "note": None,
                }
            )
            return matches[-1]["id"]

        wait = self._days(2, 1.1)
        if rng.random() < 0.8 and t + wait < end:
            matched = t + wait
            if rng.random() < 0.05:  # a volunteer declined first
                match(self._volunteer_by(t), t + wait * 0.2, MatchStatus.DECLINED, t + wait * 0.5)
            volunteer = self._volunteer_by(t)
            accepted = match(volunteer, t + wait * 0.7, MatchStatus.ACCEPTED, matched)
            status = RequestStatus.MATCHED
            close = matched + self._days(5 if recurrence == "none" else 60, 0.8)
            outcome = rng.random()
            if outcome < 0.005:
                # The volunteer dropped out: open again, but the first match stays on record.
                status = RequestStatus.OPEN
                matches[-1].update(status=MatchStatus.WITHDRAWN.value, withdrawn_at=_at(min(close, end - 1)))
            elif close >= end:
                if rng.random() < 0.5:
                    status, started = RequestStatus.IN_PROGRESS, matched + (end - matched) * rng.random()
            elif outcome < 0.96:
                status, started, closed = RequestStatus.DONE, matched + (close - matched) * 0.3, close
                matches[-1].update(status=MatchStatus.COMPLETED.value)
                count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1) if recurrence == "none" else rng.randint(2, 8)
                for _ in range(count):
                    worked = started + (close - started) * rng.random()
                    helper = volunteer if rng.random() < 0.95 else self._volunteer_by(t)
                    logs.append(self._time_log(helper, accepted, None, None, worked, False))
            else:
                status, closed = rng.choice((RequestStatus.CANCELLED, RequestStatus.REFERRED)), close
                matches[-1].update(status=MatchStatus.WITHDRAWN.value, withdrawn_at=_at(close))
        else:
            close = t + self._days(10, 1.0)
            if rng.random() < 0.003:
                pass  # forgotten: still open years later, the oldest waiting request
            elif close < end:
                status, closed = rng.choice((RequestStatus.CANCELLED, RequestStatus.REFERRED)), close
            elif rng.random() < 0.3:
                match(self._volunteer_by(t), t + (end - t) * rng.random(), MatchStatus.PROPOSED, None)
        if status == RequestStatus.REFERRED:
            referral = rng.choice(("social_team", "gp", "municipality", "debt_counselling", "other"))
        cleared = closed is not None and closed + RETENTION_DAYS * DAY < end
        # Chosen here, after the matches, so that the same seed still gives the same node as before.
        category = self._pick(self.categories, self.category_cum)
        for row in (*matches, *logs):
            row["category"] = category
        request = {
            "id": request_id,
            "requester_id": requester,
            "category": category,
            "description": None if cleared else rng.choice(DESCRIPTIONS),
            "urgency": self._pick(URGENCIES, self.urgency_cum),
            "buurt_code": self.member_buurt[requester - 1],
            "preferred_slots": [],
            "recurrence": recurrence,
            "status": status.value,
            "created_at": _at(t),
            "matched_at": None if matched is None else _at(matched),
            "started_at": None if started is None else _at(started),
            "closed_at": None if closed is None else _at(closed),
            "referral_to": referral,
            "closing_note": None,
            "text_cleared_at": _at(closed + RETENTION_DAYS * DAY) if cleared else None,
            "created_by_id": rng.choice(self.coordinator_ids) if rng.random() < 0.4 else requester,
            "updated_at": _at(max(v for v in (t, matched, started, closed) if v is not None)),
        }
        return request, matches, logs


def _cumulative(weights: Any) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total
