"""Help requests over the months, and the life of each: proposals, a match, the work, the hours, the end.

Each request's life is told as a story of events in time order, following
the same workflow rules as the services (`MANUAL_TRANSITIONS`, the match
`TRANSITIONS`, a first accepted match setting `matched_at` and the waiting
time, matches and hours under the request's category). A story stops at the
first event after `now`: what it would do next has not happened yet, so
requests are left open, waiting, matched or in progress as real ones are.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from federation.protocol.periods import period_end, period_start
from node.demo import texts
from node.demo.seasons import (
    MEDIAN_WAIT_DAYS,
    RECURRENCE_DAYS,
    RECURRING,
    URGENCY_WEIGHTS,
    WAIT_FACTOR,
    demand_level,
    demand_weights,
)
from node.demo.timeline import PastNow, days, local_date, month_days, office_hours
from node.demo.world import Person, World
from node.extensions import db
from node.help.models import HelpRequest
from node.help.requests import MANUAL_TRANSITIONS
from node.matching.models import Match
from node.matching.services import TRANSITIONS as MATCH_TRANSITIONS
from node.work.models import TimeLog
from schemas.node.codes import (
    AVAILABILITY_SLOTS,
    CLOSED_STATUSES,
    DAYPARTS,
    LIVE_MATCH_STATUSES,
    MatchStatus,
    Recurrence,
    ReferralTarget,
    RequestStatus,
    Role,
)

REQUESTS_PER_MEMBER_MONTH = 0.12
EXAMPLE_MEMBER_ASKS_AT = (0.25, 0.6, 0.93)  # shares of the span: the example resident has a history


@dataclass
class Pairing:
    match: Match
    volunteer: Person


@dataclass
class Story:
    world: World
    request: HelpRequest
    requester: Person
    pairings: list[Pairing] = field(default_factory=list)
    logs: list[TimeLog] = field(default_factory=list)

    def _event(self, instant: datetime) -> datetime:
        if instant < self.request.updated_at:
            raise ValueError(f"demo story: an event at {instant} comes before the last one")
        self.world.timeline.check(instant)
        self.request.updated_at = instant
        return instant

    def _move(self, status: RequestStatus, instant: datetime) -> None:
        if status not in MANUAL_TRANSITIONS.get(self.request.status, frozenset()):
            raise ValueError(f"demo story: a {self.request.status} request cannot become {status}")
        self._event(instant)
        self.request.status = status

    def _move_match(self, match: Match, status: MatchStatus) -> None:
        if status not in MATCH_TRANSITIONS.get(match.status, frozenset()):
            raise ValueError(f"demo story: a {match.status} match cannot become {status}")
        match.status = status

    def propose(self, instant: datetime, volunteer: Person) -> Pairing:
        self._event(instant)
        match = Match(
            request=self.request,
            volunteer_id=volunteer.member.id,
            category=self.request.category,
            status=MatchStatus.PROPOSED,
            proposed_at=instant,
            proposed_by_id=self.world.coordinator().member.id,
            note=self.world.pick(texts.MATCH_NOTES) if self.world.chance(0.2) else None,
        )
        db.session.add(match)
        pairing = Pairing(match, volunteer)
        self.pairings.append(pairing)
        return pairing

    def decline(self, instant: datetime, pairing: Pairing) -> None:
        self._event(instant)
        self._move_match(pairing.match, MatchStatus.DECLINED)
        pairing.match.responded_at = instant

    def accept(self, instant: datetime, pairing: Pairing) -> None:
        self._event(instant)
        self._move_match(pairing.match, MatchStatus.ACCEPTED)
        pairing.match.responded_at = instant
        pairing.volunteer.helping.append(pairing.match)
        if self.request.status == RequestStatus.OPEN:
            self.request.status = RequestStatus.MATCHED
            self.request.record_first_match(instant)

    def withdraw(self, instant: datetime, pairing: Pairing) -> None:
        """The volunteer drops out; with nobody else on it, the request is open again."""
        self._event(instant)
        self._move_match(pairing.match, MatchStatus.WITHDRAWN)
        pairing.match.withdrawn_at = instant
        helping = [p for p in self.pairings if p.match.status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)]
        if not helping and self.request.status in (RequestStatus.MATCHED, RequestStatus.IN_PROGRESS):
            self.request.status = RequestStatus.OPEN
            self.request.started_at = None

    def start(self, instant: datetime) -> None:
        self._move(RequestStatus.IN_PROGRESS, instant)
        self.request.started_at = instant

    def close(self, instant: datetime, status: RequestStatus, note: str | None = None) -> None:
        self._move(status, instant)
        self.request.closed_at = instant
        self.request.closing_note = note
        if status == RequestStatus.REFERRED:
            target = texts.REFERRALS.get(self.request.category, ReferralTarget.SOCIAL_TEAM)
            self.request.referral_to = ReferralTarget.OTHER if self.world.chance(0.1) else target
            self.request.closing_note = texts.REFERRAL_NOTES[self.request.referral_to]
        for pairing in self.pairings:
            match = pairing.match
            if match.status not in LIVE_MATCH_STATUSES:
                continue
            if status == RequestStatus.DONE and match.status == MatchStatus.ACCEPTED:
                self._move_match(match, MatchStatus.COMPLETED)
                match.completed_at = instant
            else:
                self._move_match(match, MatchStatus.WITHDRAWN)
                match.withdrawn_at = instant

    def log(self, instant: datetime, pairing: Pairing, low: float, high: float) -> None:
        """Hours on an accepted match; entered by the volunteer, or by a coordinator who was told by phone."""
        world = self.world
        world.timeline.check(instant)
        entered = instant + days(world.rng.uniform(0.05, 3))
        if entered > world.timeline.now:
            return  # worked, but not entered yet
        by_volunteer = world.chance(0.7)
        log = TimeLog(
            member_id=pairing.volunteer.member.id,
            match=pairing.match,
            category=pairing.match.category,
            worked_on=local_date(instant),
            hours=quarter_hours(world, low, high),
            paid=False,
            note=world.pick(texts.TIME_LOG_NOTES) if world.chance(0.1) else None,
            created_at=entered,
            created_by_id=(pairing.volunteer if by_volunteer else world.coordinator()).member.id,
        )
        self.logs.append(log)
        db.session.add(log)

    @property
    def is_closed(self) -> bool:
        return self.request.status in CLOSED_STATUSES


def quarter_hours(world: World, low: float, high: float) -> Decimal:
    """Hours between `low` and `high`, in quarters, as people write them down."""
    return Decimal(world.rng.randint(round(low * 4), round(high * 4))) / 4


def add_help(world: World) -> list[Story]:
    """Every request of the span, each told up to now."""
    stories = []
    for created, category in _arrivals(world):
        requester = _requester(world, created)
        if requester is None:
            continue
        story = Story(world, _request(world, requester, created, category), requester)
        with suppress(PastNow):  # the rest of the story has not happened yet
            _live(world, story)
        stories.append(story)
    return stories


def _arrivals(world: World) -> list[tuple[datetime, str]]:
    """When requests came in and in which category: more as the cooperative grows, by season."""
    timeline = world.timeline
    arrivals = []
    for period in timeline.periods():
        month = int(period[5:])
        first, following = month_days(period)
        last = min(following, timeline.today)
        elapsed = (min(period_end(period), timeline.now) - period_start(period)) / (
            period_end(period) - period_start(period)
        )
        members = len(world.joined_before(period_start(period)))
        expected = REQUESTS_PER_MEMBER_MONTH * members * demand_level(month) * elapsed
        weights = demand_weights(month)
        for _ in range(world.count(expected)):
            day = first + days(world.rng.randrange(max(1, (last - first).days + 1)))
            created = office_hours(world.rng, day)
            if created <= timeline.now:
                arrivals.append((created, world.weighted(weights)))
    arrivals.sort(key=lambda arrival: arrival[0])
    return arrivals


def _requester(world: World, created: datetime) -> Person | None:
    example = next((p for p in world.people if p.example == Role.MEMBER), None)
    if example is not None and any(
        world.timeline.fraction(share) <= created and not _asked_after(example, world.timeline.fraction(share))
        for share in EXAMPLE_MEMBER_ASKS_AT
    ):
        return example
    candidates = [p for p in world.joined_before(created - days(1)) if p.asks > 0]
    if not candidates:
        return None
    return world.rng.choices(candidates, weights=[p.asks for p in candidates])[0]


def _asked_after(person: Person, instant: datetime) -> bool:
    return any(asked >= instant for asked in person.asked_at)


def _request(world: World, requester: Person, created: datetime, category: str) -> HelpRequest:
    share, recurrence = RECURRING.get(category, (0.0, Recurrence.NONE))
    by_self = requester.member.email is not None and world.chance(0.55)
    request = HelpRequest(
        requester_id=requester.member.id,
        category=category,
        description=world.pick(texts.REQUESTS[category]),
        urgency=world.weighted(dict(URGENCY_WEIGHTS)),
        buurt_code=requester.buurt_code,
        preferred_slots=_preferred_slots(world),
        recurrence=recurrence if world.chance(share) else Recurrence.NONE,
        status=RequestStatus.OPEN,
        created_at=created,
        updated_at=created,
        # At phone intake the coordinator enters the request for the resident.
        created_by_id=(requester if by_self else world.coordinator()).member.id,
    )
    requester.asked_at.append(created)
    db.session.add(request)
    return request


def _preferred_slots(world: World) -> list[str]:
    parts = DAYPARTS[:2] if world.chance(0.8) else DAYPARTS
    slots = [s for s in AVAILABILITY_SLOTS if s.split("_")[1] in parts]
    chosen = set(world.rng.sample(slots, world.rng.randint(0, 3)))
    return [s for s in AVAILABILITY_SLOTS if s in chosen]


def _live(world: World, story: Story) -> None:
    rng, request = world.rng, story.request
    created = request.created_at
    fate = rng.random()
    if fate < 0.05:
        # Taken back, or plainly a matter for professionals, before anyone was proposed.
        when = created + days(rng.uniform(0.3, 12))
        if fate < 0.025:
            story.close(when, RequestStatus.CANCELLED, world.pick(texts.CANCEL_NOTES))
        else:
            story.close(when, RequestStatus.REFERRED)
        return
    median = MEDIAN_WAIT_DAYS[request.urgency] * WAIT_FACTOR.get(request.category, 1.0)
    wait = min(world.wait_days(median), 120.0)
    pairing = None if fate < 0.075 else _find_volunteer(world, story, created, wait)
    if pairing is None:
        _nobody_found(world, story)
        return
    accepted = pairing.match.responded_at
    assert accepted is not None
    if rng.random() < 0.06:
        story.withdraw(accepted + days(rng.uniform(1, 20)), pairing)
        assert pairing.match.withdrawn_at is not None
        pairing = _find_volunteer(world, story, pairing.match.withdrawn_at, wait / 2)
        if pairing is None:
            _nobody_found(world, story)
            return
        accepted = pairing.match.responded_at
        assert accepted is not None
    roll = rng.random()
    if roll < 0.03:
        story.close(accepted + days(rng.uniform(2, 20)), RequestStatus.CANCELLED, world.pick(texts.CANCEL_NOTES))
    elif roll < 0.05:
        story.close(accepted + days(rng.uniform(2, 30)), RequestStatus.REFERRED)
    elif request.recurrence != Recurrence.NONE:
        _recurring_work(world, story, pairing, accepted)
    else:
        _one_off_work(world, story, pairing, accepted)


def _find_volunteer(world: World, story: Story, since: datetime, wait: float) -> Pairing | None:
    """Proposals until a volunteer accepts; None when nobody offering this help can be found."""
    rng, request = world.rng, story.request
    # Nobody is asked twice, and the one who dropped out is not asked again.
    asked = {story.requester.member.id} | {p.volunteer.member.id for p in story.pairings}
    when = since + days(wait * rng.uniform(0.2, 0.6))
    for _ in range(4):
        volunteer = world.volunteer_for(request.category, when, request.buurt_code, asked)
        if volunteer is None:
            when += days(rng.uniform(5, 20))  # the coordinator tries again later
            continue
        asked.add(volunteer.member.id)
        pairing = story.propose(when, volunteer)
        answered = when + days(rng.uniform(0.05, 1.5))
        if rng.random() < 0.25:
            story.decline(answered, pairing)
            when = answered + days(rng.uniform(0.05, 2))
            continue
        story.accept(max(answered, since + days(wait)), pairing)
        return pairing
    return None


def _nobody_found(world: World, story: Story) -> None:
    """No volunteer for this help: it waits, until after weeks or months it is handed on or given up."""
    roll = world.rng.random()
    when = story.request.updated_at + days(world.rng.uniform(30, 120))  # after the last attempt
    if roll < 0.55:
        story.close(when, RequestStatus.REFERRED)
    else:
        story.close(when, RequestStatus.CANCELLED, world.pick(texts.CANCEL_NOTES))


def _one_off_work(world: World, story: Story, pairing: Pairing, accepted: datetime) -> None:
    rng = world.rng
    if rng.random() < 0.75:
        started = accepted + days(rng.uniform(0.1, 5))
        story.start(started)
        worked = started + days(rng.uniform(0, 10))
    else:
        worked = accepted + days(rng.uniform(0.2, 6))
    story.log(worked, pairing, 0.5, 4)
    if rng.random() < 0.15:
        worked += days(rng.uniform(1, 7))
        story.log(worked, pairing, 0.5, 3)
    story.close(worked + days(rng.uniform(0.05, 2)), RequestStatus.DONE)


def _recurring_work(world: World, story: Story, pairing: Pairing, accepted: datetime) -> None:
    """A garden every fortnight, shopping every week: hours each time, until it is no longer needed."""
    rng = world.rng
    interval = RECURRENCE_DAYS[story.request.recurrence]
    started = accepted + days(rng.uniform(0.2, 4))
    story.start(started)
    worked = last = started
    for _ in range(rng.randint(3, 26)):
        story.log(worked, pairing, 1, 2.5)
        last = worked
        worked += days(interval + rng.uniform(-1, 1))
    story.close(last + days(rng.uniform(0.5, 3)), RequestStatus.DONE)
