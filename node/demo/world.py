"""What every part of the generator shares: the dice, the fake names, the span and the people so far."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import TypeVar

from faker import Faker

from federation.protocol.periods import period_of
from node.demo.timeline import Timeline
from node.help.models import HelpOffer
from node.matching.models import Match
from node.members.models import Member
from schemas.node.codes import Role

T = TypeVar("T")


@dataclass
class OfferSpan:
    """A help offer and the stretches of time it was active."""

    offer: HelpOffer
    categories: frozenset[str]
    active: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    def active_at(self, instant: datetime) -> bool:
        return any(begin <= instant and (end is None or instant < end) for begin, end in self.active)


@dataclass
class Person:
    """A member as the generator knows them: when they joined, what they ask and offer."""

    member: Member
    joined: datetime
    asks: float = 0.0  # how likely this person is to ask for help (0: never)
    volunteer_since: datetime | None = None
    eagerness: float = 1.0  # how often a coordinator thinks of this volunteer first
    capacity: int = 2  # how many people this volunteer helps at the same time
    helping: list[Match] = field(default_factory=list)  # the matches this volunteer accepted
    offers: list[OfferSpan] = field(default_factory=list)
    paid_worker: bool = False  # does paid work for the wijkbedrijf
    example: Role | None = None  # one of the example accounts
    asked_at: list[datetime] = field(default_factory=list)  # when they asked for help

    @property
    def buurt_code(self) -> str | None:
        return self.member.buurt_code

    def offers_at(self, category: str, instant: datetime) -> bool:
        return any(category in span.categories and span.active_at(instant) for span in self.offers)

    def has_room_at(self, instant: datetime) -> bool:
        busy = 0
        for match in self.helping:
            begin, end = match.responded_at, match.completed_at or match.withdrawn_at
            if begin is not None and begin <= instant and (end is None or instant < end):
                busy += 1
        return busy < self.capacity


@dataclass
class World:
    rng: Random
    fake: Faker
    timeline: Timeline
    buurten: list[str]
    districts: dict[str, str]  # buurt code -> four-digit postcode district
    people: list[Person] = field(default_factory=list)  # in order of joining
    volunteers: list[Person] = field(default_factory=list)
    coordinators: list[Person] = field(default_factory=list)
    organisations: list[Person] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)  # given out so far

    @classmethod
    def create(cls, seed: int, timeline: Timeline, buurten: list[str], districts: dict[str, str]) -> World:
        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        return cls(Random(seed), fake, timeline, buurten, districts)

    @property
    def statement_change(self) -> datetime:
        """The privacy statement changed once, somewhat before the middle of the span."""
        return self.timeline.fraction(0.45)

    @property
    def old_statement(self) -> str:
        return f"{self.timeline.start.year - 7}-01"  # older than every membership

    @property
    def new_statement(self) -> str:
        return period_of(self.statement_change)

    def statement_at(self, instant: datetime) -> str:
        """The version of the privacy statement members agreed to at `instant`."""
        return self.new_statement if instant >= self.statement_change else self.old_statement

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, options: list[T] | tuple[T, ...]) -> T:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: dict[T, float]) -> T:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def count(self, expected: float) -> int:
        """A whole number around `expected`, spread like a count of arrivals."""
        if expected <= 0:
            return 0
        return max(0, round(self.rng.gauss(expected, math.sqrt(expected))))

    def wait_days(self, median: float, spread: float = 0.9) -> float:
        """A waiting time: mostly near the median, now and then much longer."""
        return median * math.exp(self.rng.gauss(0, spread))

    def joined_before(self, instant: datetime) -> list[Person]:
        """Everyone who had joined before `instant` (people are kept in order of joining)."""
        index = bisect.bisect_left([p.joined for p in self.people], instant)
        return self.people[:index]

    def coordinator(self) -> Person:
        return self.pick(self.coordinators)

    def volunteer_for(
        self, category: str, instant: datetime, buurt_code: str | None, exclude: set[int]
    ) -> Person | None:
        """A volunteer offering `category` at `instant`; a coordinator looks in the same buurt first."""
        candidates = [
            p
            for p in self.volunteers
            if p.volunteer_since is not None
            and p.volunteer_since <= instant
            and p.member.id not in exclude
            and p.offers_at(category, instant)
            and p.has_room_at(instant)
        ]
        if not candidates:
            return None
        nearby = [p for p in candidates if p.buurt_code == buurt_code]
        if nearby and self.chance(0.7):
            candidates = nearby
        return self.rng.choices(candidates, weights=[p.eagerness for p in candidates])[0]
