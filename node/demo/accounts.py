"""Logins for the example data: one account per role, with a password everyone may know."""

from __future__ import annotations

from dataclasses import dataclass

from node.accounts.actor import Actor
from node.accounts.services import create_token, create_user
from schemas.node.codes import Role

# Only ever for a demo on 127.0.0.1: the password is printed and in the README.
EXAMPLE_PASSWORD = "wijknet-demo"

# The generator gives these addresses to members with a history of their role,
# so that logging in shows requests, matches and hours.
EXAMPLE_EMAILS: dict[Role, str] = {
    Role.ADMIN: "beheer@example.org",
    Role.COORDINATOR: "coordinator@example.org",
    Role.VOLUNTEER: "vrijwilliger@example.org",
    Role.MEMBER: "bewoner@example.org",
}


@dataclass
class ExampleAccounts:
    emails: dict[Role, str]
    password: str
    coordinator_token: str


def create_example_accounts() -> ExampleAccounts:
    """Give the example members a login, and the coordinator an API token (inside the app; the caller commits)."""
    actor = Actor.system("demo")
    member_ids = {}
    for role, email in EXAMPLE_EMAILS.items():
        account = create_user(actor, email=email, role=role, name=None, password=EXAMPLE_PASSWORD)
        member_ids[role] = account.member_id
    token, _ = create_token(actor, role=Role.COORDINATOR, name="demo", member_id=member_ids[Role.COORDINATOR])
    return ExampleAccounts(dict(EXAMPLE_EMAILS), EXAMPLE_PASSWORD, token)
