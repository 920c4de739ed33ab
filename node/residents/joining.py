"""Joining the cooperative online: a member, a login and the consents, in one step."""

from __future__ import annotations

from typing import Any

from node.accounts.actor import Actor
from node.accounts.models import Account
from node.accounts.services import set_password
from node.members.services import add_member, give_consent
from schemas.node.codes import ConsentMethod, ConsentPurpose
from wijknet.errors import FieldError, InvalidInput

# Nobody is logged in yet: the audit log names the way in, not a person.
JOINING = Actor(member_id=None, roles=frozenset(), label="joined online")


def join(data: dict[str, Any], password: str, consents: set[ConsentPurpose]) -> Account:
    """Make a member with a login and the consents they gave; membership consent is required.

    Without consent for membership the cooperative may not keep the person's data at all,
    so nothing is stored then.
    """
    if ConsentPurpose.MEMBERSHIP not in consents:
        raise InvalidInput(
            "Joining needs consent for membership.", [FieldError("consent_membership", "Required to join.")]
        )
    member = add_member(JOINING, data)
    account = set_password(member, password)
    themself = Actor.for_member(member.id, member.roles)
    for purpose in ConsentPurpose:  # in the code list's order, so the consents read in a stable order
        if purpose in consents:
            give_consent(themself, member.id, purpose, ConsentMethod.ONLINE)
    return account
