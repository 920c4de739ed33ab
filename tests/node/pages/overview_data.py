"""A small neighbourhood for the coordinator's overview pages: people with a login, volunteers at work, a partner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from node.work.assignments import add_invoice, update_assignment
from schemas.node.codes import AssignmentStatus, MatchStatus, Role
from tests.node.factories import SYSTEM, Factory
from tests.node.pages.front_desk import log_in, person

ROLES = {"admin": Role.ADMIN, "coordinator": Role.COORDINATOR, "volunteer": Role.VOLUNTEER, "resident": None}


@dataclass
class Neighbourhood:
    app: Flask
    make: Factory
    emails: dict[str, str] = field(default_factory=dict)  # by the names in ROLES
    ids: dict[str, int] = field(default_factory=dict)

    def client(self, who: str | None) -> FlaskClient:
        """A client logged in as `who` (None: nobody)."""
        client = self.app.test_client()
        if who is not None:
            log_in(client, self.emails[who])
        return client


def build(app: Flask, make: Factory) -> Neighbourhood:
    hood = Neighbourhood(app, make)
    for who, role in ROLES.items():
        hood.ids[who], hood.emails[who] = person(make, role, name=f"Login {who}")
    ids = hood.ids
    ids["anna"] = make.member(name="Anna Tuinier", roles=(Role.VOLUNTEER,), buurt_code="BU03440202", skills=["garden"])
    ids["bram"] = make.member(name="Bram Boodschap", roles=(Role.VOLUNTEER,), buurt_code="BU03440201")
    make.offer(ids["anna"], ("garden",), availability=["mon_morning"])
    make.offer(ids["bram"], ("shopping",))
    ids["jan"] = make.member(name="Jan de Vries", buurt_code="BU03440201")
    ids["waiting"] = make.help_request(ids["jan"], "shopping", buurt_code="BU03440201")
    make.help_request(ids["jan"], "shopping", buurt_code="BU03440201")
    ids["garden_request"] = make.help_request(ids["jan"], "garden", buurt_code="BU03440202")
    ids["garden_match"] = make.match(ids["garden_request"], ids["anna"], MatchStatus.ACCEPTED)
    make.match(ids["waiting"], ids["bram"])
    make.time_log(ids["anna"], match_id=ids["garden_match"], hours="2.5")
    ids["partner"] = make.partner("Woonstad Testwijk")
    ids["assignment"] = make.assignment(ids["partner"], title="Portieken schoonmaken", budget_eur=Decimal("500"))
    make._run(lambda: update_assignment(SYSTEM, ids["assignment"], {"status": AssignmentStatus.ACTIVE}))
    make.time_log(ids["bram"], assignment_id=ids["assignment"], hours="3.5", paid=True)
    make._run(
        lambda: add_invoice(SYSTEM, ids["assignment"], {"invoiced_on": date.today(), "amount_eur": Decimal("120")})
    )
    ids["activity"] = make.activity(title="Repair café Noord", participants=23, organiser_id=ids["anna"])
    return hood


@pytest.fixture
def hood(app: Flask, make: Factory) -> Neighbourhood:
    return build(app, make)
