"""Members joining over time: residents and organisations, staff, volunteers with their offers, consents."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum

from federation.protocol.periods import period_end, period_start
from node.demo import texts
from node.demo.accounts import EXAMPLE_EMAILS
from node.demo.seasons import SUPPLY
from node.demo.timeline import days, local_date
from node.demo.world import OfferSpan, Person, World
from node.extensions import db
from node.help.models import HelpOffer, OfferCategory, OfferStatusChange
from node.members.models import Consent, Member, MemberRole, MemberSkill
from schemas.node.codes import (
    AVAILABILITY_SLOTS,
    ConsentMethod,
    ConsentPurpose,
    Frequency,
    MemberKind,
    MembershipStatus,
    OfferStatus,
    Role,
)

INITIAL_MEMBERS = 120  # the cooperative existed before the span began
NEW_MEMBERS_PER_MONTH = (9.0, 13.0)  # at the start and at the end of the span: it grows
VOLUNTEER_SHARE = 0.27
COORDINATORS = 3
# The example volunteer helps with much, so logging in as them shows matches and hours.
EXAMPLE_VOLUNTEER_SKILLS = ("shopping", "transport", "digital", "social", "practical")
EMAIL_DOMAIN = "example.org"  # reserved for examples (RFC 2606): no real inbox gets demo mail

# Dutch postcode letters: F, I, O, Q, U and Y are not used, nor SA, SD and SS.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
POSTCODE_PAIRS_NOT_USED = frozenset({"SA", "SD", "SS"})


class Newcomer(StrEnum):
    ADMIN = "admin"
    EXAMPLE_COORDINATOR = "example_coordinator"
    COORDINATOR = "coordinator"
    EXAMPLE_VOLUNTEER = "example_volunteer"
    EXAMPLE_MEMBER = "example_member"
    ORGANISATION = "organisation"
    RESIDENT = "resident"


# The members behind the example accounts, by the role their account shows.
EXAMPLE_ROLE: dict[Newcomer, Role] = {
    Newcomer.ADMIN: Role.ADMIN,
    Newcomer.EXAMPLE_COORDINATOR: Role.COORDINATOR,
    Newcomer.EXAMPLE_VOLUNTEER: Role.VOLUNTEER,
    Newcomer.EXAMPLE_MEMBER: Role.MEMBER,
}
STAFF_ROLE: dict[Newcomer, Role] = {
    Newcomer.ADMIN: Role.ADMIN,
    Newcomer.EXAMPLE_COORDINATOR: Role.COORDINATOR,
    Newcomer.COORDINATOR: Role.COORDINATOR,
}


def add_people(world: World) -> None:
    """Every member, their roles and skills (flushed), then their consents and offers."""
    for joined, newcomer in _arrivals(world):
        if newcomer == Newcomer.ORGANISATION:
            person = _organisation(world, joined, texts.ORGANISATION_MEMBERS[len(world.organisations)])
            world.organisations.append(person)
        else:
            person = _resident(world, joined, newcomer)
        world.people.append(person)
        db.session.add(person.member)
    db.session.flush()

    for person in world.people:
        _add_consents(world, person)
        if person.volunteer_since is not None:
            _add_offers(world, person)
            world.volunteers.append(person)


def _arrivals(world: World) -> list[tuple[datetime, Newcomer]]:
    """When each member joined: staff long ago, many before the span began, more each month since."""
    rng, start = world.rng, world.timeline.start

    def years_before(most: float, least: float) -> datetime:
        return start - days(rng.uniform(least * 365, most * 365))

    arrivals = [(years_before(6, 5.5), Newcomer.ADMIN), (years_before(5.5, 4.5), Newcomer.EXAMPLE_COORDINATOR)]
    arrivals += [(years_before(5.5, 4.5), Newcomer.COORDINATOR) for _ in range(COORDINATORS - 1)]
    arrivals += [(years_before(3, 2), Newcomer.EXAMPLE_VOLUNTEER), (years_before(2, 1), Newcomer.EXAMPLE_MEMBER)]
    arrivals += [(years_before(4, 3), Newcomer.ORGANISATION) for _ in texts.ORGANISATION_MEMBERS]
    arrivals += [(years_before(4, 0), Newcomer.RESIDENT) for _ in range(INITIAL_MEMBERS)]
    periods = world.timeline.periods()
    first, last = NEW_MEMBERS_PER_MONTH
    for index, period in enumerate(periods):
        month_start, month_end = period_start(period), min(period_end(period), world.timeline.now)
        elapsed = (month_end - month_start) / (period_end(period) - month_start)
        expected = (first + (last - first) * index / max(1, len(periods) - 1)) * elapsed
        for _ in range(world.count(expected)):
            arrivals.append((month_start + (month_end - month_start) * rng.random(), Newcomer.RESIDENT))
    return sorted(arrivals, key=lambda arrival: arrival[0])


def _resident(world: World, joined: datetime, newcomer: Newcomer) -> Person:
    rng, fake = world.rng, world.fake
    female = world.chance(0.55)
    first_name = fake.first_name_female() if female else fake.first_name_male()
    last_name = fake.last_name()
    birth_year = _birth_year(world, newcomer)
    example = EXAMPLE_ROLE.get(newcomer)
    buurt = world.buurten[0] if example is not None else _buurt(world)
    if example is not None:
        email: str | None = EXAMPLE_EMAILS[example]
    elif newcomer in STAFF_ROLE or world.chance(0.5 if birth_year < 1950 else 0.92):
        email = _unique_email(first_name, last_name, world.emails)
    else:
        email = None  # many older residents join by phone and have no e-mail address
    member = Member(
        kind=MemberKind.RESIDENT,
        name=f"{first_name} {last_name}",
        email=email,
        phone=fake.numerify("06-########") if world.chance(0.75) else fake.numerify("030-#######"),
        street_address=_street_address(world),
        postcode=_postcode(world, buurt),
        birth_year=birth_year,
        buurt_code=buurt,
        joined_on=local_date(joined),
        created_at=joined,
        updated_at=joined,
        notes=world.pick(texts.MEMBER_NOTES) if world.chance(0.05) else None,
        availability=[],
        role_rows=[],
        skill_rows=[],
    )
    person = Person(member, joined, example=example)
    staff_role = STAFF_ROLE.get(newcomer)
    if staff_role is not None:
        member.role_rows = [MemberRole(role=staff_role, granted_at=joined)]
        if staff_role == Role.COORDINATOR:
            person.paid_worker = True  # the wijkondernemer and the sociaal makelaars are employed
            world.coordinators.append(person)
        return person

    person.asks = 2.5 if birth_year <= 1950 else 1.5 if birth_year <= 1965 else 0.8
    is_example = newcomer == Newcomer.EXAMPLE_VOLUNTEER
    volunteer = is_example or (newcomer == Newcomer.RESIDENT and world.chance(VOLUNTEER_SHARE))
    since = joined + days(10 if is_example else rng.uniform(0, 60))
    if volunteer and since <= world.timeline.now:
        person.volunteer_since = since
        person.asks *= 0.3
        person.eagerness = 4.0 if is_example else rng.uniform(0.3, 2.0)
        person.capacity = 4 if is_example else world.pick((1, 1, 2, 2, 3))
        person.paid_worker = not is_example and world.chance(0.08)
        member.skill_rows = [MemberSkill(category=c) for c in sorted(_skills(world, is_example))]
        member.role_rows = [MemberRole(role=Role.VOLUNTEER, granted_at=since)]
        member.availability = _slots(world, 3, 9)
    return person


def _organisation(world: World, joined: datetime, name: str) -> Person:
    buurt = _buurt(world)
    slug = _slug(name.split("(")[0])[:30]
    member = Member(
        kind=MemberKind.ORGANISATION,
        name=name,
        email=f"info.{slug}@{EMAIL_DOMAIN}",
        phone=world.fake.numerify("030-#######"),
        street_address=_street_address(world),
        postcode=_postcode(world, buurt),
        buurt_code=buurt,
        joined_on=local_date(joined),
        created_at=joined,
        updated_at=joined,
        availability=[],
        role_rows=[],
        skill_rows=[],
    )
    return Person(member, joined)


def _birth_year(world: World, newcomer: Newcomer) -> int:
    if newcomer == Newcomer.EXAMPLE_MEMBER:
        return 1948
    if newcomer in STAFF_ROLE:
        return world.rng.randint(1962, 1992)
    roll = world.rng.random()
    if roll < 0.35:
        return world.rng.randint(1935, 1955)
    if roll < 0.75:
        return world.rng.randint(1956, 1985)
    return world.rng.randint(1986, 2006)


def _buurt(world: World) -> str:
    # Buurten differ in size: the first is the largest.
    weights = {code: 1.0 / (1 + 0.35 * index) for index, code in enumerate(world.buurten)}
    return world.weighted(weights)


def _skills(world: World, example: bool) -> set[str]:
    if example:
        return set(EXAMPLE_VOLUNTEER_SKILLS)
    wanted = world.pick((1, 2, 2, 3, 3, 4))
    skills: set[str] = set()
    while len(skills) < wanted:
        skills.add(world.weighted(dict(SUPPLY)))
    return skills


def _slots(world: World, fewest: int, most: int) -> list[str]:
    chosen = set(world.rng.sample(AVAILABILITY_SLOTS, world.rng.randint(fewest, most)))
    return [s for s in AVAILABILITY_SLOTS if s in chosen]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "".join(ch for ch in ascii_text if ch.isalnum())


def _unique_email(first_name: str, last_name: str, taken: set[str]) -> str:
    base = f"{_slug(first_name)}.{_slug(last_name)}"
    email, number = f"{base}@{EMAIL_DOMAIN}", 1
    while email in taken:
        number += 1
        email = f"{base}{number}@{EMAIL_DOMAIN}"
    taken.add(email)
    return email


def _street_address(world: World) -> str:
    suffix = world.pick(("", "", "", "", "A", "B", "-bis", "-2", " hs"))
    return f"{world.fake.street_name()} {world.rng.randint(1, 240)}{suffix}"


def _postcode(world: World, buurt: str) -> str:
    while True:
        letters = "".join(world.rng.choices(POSTCODE_LETTERS, k=2))
        if letters not in POSTCODE_PAIRS_NOT_USED:
            return f"{world.districts[buurt]} {letters}"


# --- consent ------------------------------------------------------------------


def _add_consents(world: World, person: Person) -> None:
    member = person.member
    staff = member.has_role(Role.ADMIN) or member.has_role(Role.COORDINATOR)
    if staff or person.example is not None or member.kind == MemberKind.ORGANISATION:
        method = ConsentMethod.ONLINE
    elif member.email is None:
        method = world.weighted({ConsentMethod.PHONE: 8, ConsentMethod.PAPER: 1, ConsentMethod.IN_PERSON: 1})
    else:
        method = world.weighted({ConsentMethod.ONLINE: 80, ConsentMethod.PHONE: 12, ConsentMethod.IN_PERSON: 8})
    # At phone intake (or on paper, at the door) the coordinator records consent on the resident's behalf.
    recorder = None if method == ConsentMethod.ONLINE else world.coordinator().member
    given = person.joined + timedelta(minutes=world.rng.uniform(1, 20))
    purposes = [ConsentPurpose.MEMBERSHIP]
    if world.chance(0.85):
        purposes.append(ConsentPurpose.CONTACT_SHARING)
    if world.chance(0.45):
        purposes.append(ConsentPurpose.NEWSLETTER)
    if world.chance(0.15):
        purposes.append(ConsentPurpose.PHOTOS)
    for purpose in purposes:
        withdrawn = None
        if purpose == ConsentPurpose.NEWSLETTER and world.chance(0.12):
            moment = given + days(world.rng.uniform(30, 400))
            withdrawn = moment if moment <= world.timeline.now else None
        db.session.add(
            Consent(
                member_id=member.id,
                purpose=purpose,
                statement_version=world.statement_at(given),
                given_at=given,
                method=method,
                on_behalf=recorder is not None,
                recorded_by_id=recorder.id if recorder else None,
                withdrawn_at=withdrawn,
            )
        )
    if method == ConsentMethod.ONLINE and given < world.statement_change and world.chance(0.35):
        # Agreeing again to the new statement, after the cooperative asked its members to.
        again = world.statement_change + days(world.rng.uniform(1, 60))
        if again <= world.timeline.now:
            db.session.add(
                Consent(
                    member_id=member.id,
                    purpose=ConsentPurpose.MEMBERSHIP,
                    statement_version=world.new_statement,
                    given_at=again,
                    method=ConsentMethod.ONLINE,
                )
            )


# --- offers -------------------------------------------------------------------


def _add_offers(world: World, person: Person) -> None:
    assert person.volunteer_since is not None
    skills = set(person.member.skills)
    _add_offer(world, person, person.volunteer_since, skills)
    if person.example is None and world.chance(0.12):
        later = person.volunteer_since + days(world.rng.uniform(60, 400))
        extra = world.weighted({c: w for c, w in SUPPLY.items() if c not in skills} or dict(SUPPLY))
        if later <= world.timeline.now:
            _add_offer(world, person, later, {extra})
            person.member.skill_rows.append(MemberSkill(category=extra))


def _add_offer(world: World, person: Person, created: datetime, categories: set[str]) -> None:
    rng, now = world.rng, world.timeline.now
    history: list[tuple[datetime, OfferStatus]] = [(created, OfferStatus.ACTIVE)]
    if person.example is None:
        roll = rng.random()
        if roll < 0.12:
            _then(history, now, days(rng.uniform(60, 500)), OfferStatus.ENDED)
        elif roll < 0.30:
            _then(history, now, days(rng.uniform(30, 300)), OfferStatus.PAUSED)
            if len(history) > 1 and rng.random() < 0.55:
                _then(history, now, days(rng.uniform(14, 150)), OfferStatus.ACTIVE)
    first_category = sorted(categories)[0]
    offer = HelpOffer(
        volunteer_id=person.member.id,
        description=world.pick(texts.OFFERS[first_category]),
        availability=list(person.member.availability) or _slots(world, 3, 6),
        frequency=world.weighted(
            {Frequency.WEEKLY: 35, Frequency.MONTHLY: 20, Frequency.OCCASIONALLY: 40, Frequency.ONCE: 5}
        ),
        status=history[-1][1],
        created_at=created,
        updated_at=history[-1][0],
    )
    offer.category_rows = [OfferCategory(category=c) for c in sorted(categories)]
    offer.status_changes = [OfferStatusChange(status=status, changed_at=at) for at, status in history]
    db.session.add(offer)
    span = OfferSpan(offer, frozenset(categories))
    for index, (at, status) in enumerate(history):
        if status == OfferStatus.ACTIVE:
            until = history[index + 1][0] if index + 1 < len(history) else None
            span.active.append((at, until))
    person.offers.append(span)


def _then(history: list[tuple[datetime, OfferStatus]], now: datetime, after: timedelta, status: OfferStatus) -> None:
    """Add a status change `after` the last one, if that moment has come."""
    moment = history[-1][0] + after
    if moment <= now:
        history.append((moment, status))


def end_some_memberships(world: World, last_closed: dict[int, datetime], still_open: set[int]) -> None:
    """A few residents leave or pause some time after their last request was closed; those still asking stay."""
    rng, timeline = world.rng, world.timeline
    for person in world.people:
        member = person.member
        if (
            member.kind != MemberKind.RESIDENT
            or member.role_rows
            or person.example is not None
            or member.id in still_open
        ):
            continue
        roll = rng.random()
        if roll >= 0.08:
            continue
        quiet_since = last_closed.get(member.id) or person.joined
        moment = quiet_since + days(rng.uniform(1, 365))
        if moment > timeline.now:
            continue
        if roll < 0.06:
            member.status = MembershipStatus.ENDED
            member.left_on = local_date(moment)
        else:
            member.status = MembershipStatus.PAUSED
        member.updated_at = moment
