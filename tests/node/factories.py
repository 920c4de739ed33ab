"""Test factories: make members, tokens, requests and matches through the services.

Every call runs in an app context of its own and commits, so that no
transaction (and, on SQLite, no write lock) stays open while a test then
talks to the app through its client. They return ids, not ORM objects.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask

from node.accounts.actor import Actor
from node.accounts.services import create_token, set_password
from node.activities.services import create_activity
from node.extensions import db
from node.help.offers import create_offer
from node.help.requests import create_request
from node.matching.services import change_status as change_match_status
from node.matching.services import propose
from node.members.models import Member
from node.members.services import add_member, give_consent, grant_role
from node.work.assignments import create_assignment, create_partner
from node.work.time_logs import log_hours
from schemas.node.codes import ConsentMethod, ConsentPurpose, MatchStatus, PartnerKind, Role

SYSTEM = Actor.system("tests")
_counter = itertools.count(1)


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def _run(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        with self.app.app_context():
            value = func(*args, **kwargs)
            db.session.commit()
            return value

    def member(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        roles: tuple[Role, ...] = (),
        buurt_code: str | None = "BU03440201",
        consent: bool = True,
        password: str | None = None,
        **fields: Any,
    ) -> int:
        n = next(_counter)

        def make() -> int:
            data = {"name": name or f"Lid {n}", "email": email or f"lid{n}@example.org", "buurt_code": buurt_code}
            member = add_member(SYSTEM, {**data, **fields})
            for role in roles:
                grant_role(member, role)
            if consent:
                give_consent(
                    Actor.for_member(member.id, [Role.MEMBER]),
                    member.id,
                    ConsentPurpose.MEMBERSHIP,
                    ConsentMethod.ONLINE,
                )
            if password:
                set_password(member, password)
            return member.id

        return self._run(make)

    def token(self, member_id: int | None, role: Role) -> str:
        def make() -> str:
            raw, _ = create_token(SYSTEM, role=role, name=f"test {role}", member_id=member_id)
            return raw

        return self._run(make)

    def person(self, role: Role, **fields: Any) -> tuple[int, dict[str, str]]:
        """A member holding `role`, and the Authorization header of a token for it."""
        roles = () if role == Role.MEMBER else (role,)
        member_id = self.member(roles=roles, **fields)
        return member_id, {"Authorization": f"Bearer {self.token(member_id, role)}"}

    def grant(self, member_id: int, role: Role) -> None:
        """Give an existing member one more role."""
        self._run(lambda: grant_role(db.session.get(Member, member_id), role))

    def consent(
        self,
        member_id: int,
        purpose: ConsentPurpose = ConsentPurpose.NEWSLETTER,
        method: ConsentMethod = ConsentMethod.ONLINE,
    ) -> int:
        """The member records a consent themself; returns its id."""
        actor = Actor.for_member(member_id, [Role.MEMBER])
        return self._run(lambda: give_consent(actor, member_id, purpose, method).id)

    def help_request(self, requester_id: int, category: str = "shopping", **fields: Any) -> int:
        return self._run(
            lambda: (
                create_request(
                    SYSTEM,
                    {
                        "requester_id": requester_id,
                        "category": category,
                        "description": "Boodschappen op dinsdag",
                        **fields,
                    },
                ).id
            )
        )

    def offer(self, volunteer_id: int, categories: tuple[str, ...] = ("shopping",), **fields: Any) -> int:
        return self._run(
            lambda: create_offer(SYSTEM, {"volunteer_id": volunteer_id, "categories": list(categories), **fields}).id
        )

    def match(self, request_id: int, volunteer_id: int, status: MatchStatus = MatchStatus.PROPOSED) -> int:
        def make() -> int:
            match = propose(SYSTEM, request_id, volunteer_id)
            if status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED):
                change_match_status(SYSTEM, match.id, MatchStatus.ACCEPTED)
            if status != MatchStatus.PROPOSED and status != MatchStatus.ACCEPTED:
                change_match_status(SYSTEM, match.id, status)
            return match.id

        return self._run(make)

    def partner(self, name: str | None = None) -> int:
        return self._run(
            lambda: create_partner(SYSTEM, name or f"Partner {next(_counter)}", PartnerKind.HOUSING_CORPORATION).id
        )

    def assignment(self, partner_id: int | None = None, **fields: Any) -> int:
        partner_id = partner_id or self.partner()
        data = {
            "partner_id": partner_id,
            "title": "Trappenhuizen schilderen",
            "category": "practical",
            "starts_on": date(2026, 1, 1),
            **fields,
        }
        return self._run(lambda: create_assignment(SYSTEM, data).id)

    def time_log(
        self,
        member_id: int,
        *,
        match_id: int | None = None,
        assignment_id: int | None = None,
        hours: str = "2",
        worked_on: date | None = None,
        paid: bool = False,
        by: int | None = None,
    ) -> int:
        """Hours logged by the system, or by the member `by` (who may then change them)."""
        data = {
            "member_id": member_id,
            "match_id": match_id,
            "assignment_id": assignment_id,
            "hours": Decimal(hours),
            "worked_on": worked_on or date.today(),
            "paid": paid,
        }
        actor = SYSTEM if by is None else Actor.for_member(by, [Role.MEMBER, Role.VOLUNTEER])
        return self._run(lambda: log_hours(actor, data).id)

    def activity(self, **fields: Any) -> int:
        data = {
            "title": "Repair café",
            "category": "social",
            "held_on": date(2026, 3, 14),
            "participants": 23,
            **fields,
        }
        return self._run(lambda: create_activity(SYSTEM, data).id)

    def query(self, func: Any, *args: Any) -> Any:
        """Run a read inside an app context and return plain values."""
        with self.app.app_context():
            return func(*args)
