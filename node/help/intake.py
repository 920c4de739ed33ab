"""Phone intake: a coordinator takes in a resident, their consent and their request in one go.

Most people who need help are not online: they call. Everything said on the
phone is saved together or not at all, so that a mistake in one part never
leaves a resident without a request, or a request without consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.extensions import db
from node.help.models import HelpRequest
from node.help.requests import create_request
from node.members.models import Member
from node.members.services import create_member, get_member, give_consent, has_active_consent
from schemas.node.codes import ConsentMethod, ConsentPurpose, Role


@dataclass
class Intake:
    member: Member
    help_request: HelpRequest
    new_member: bool
    consents_recorded: list[ConsentPurpose]


def take_in(
    actor: Actor,
    *,
    member_id: int | None,
    new_member: dict[str, Any] | None,
    purposes: list[ConsentPurpose],
    method: ConsentMethod,
    request: dict[str, Any],
) -> Intake:
    """Find or add the resident, record the consent they gave by phone, and take in their request.

    Either `member_id` (an existing member) or `new_member` (MemberIn data).
    Consent already given for a purpose is not recorded twice. Runs in a
    savepoint: when any step raises, none of it stays.
    """
    require_role(actor, Role.COORDINATOR)
    with db.session.begin_nested():
        member = get_member(actor, member_id) if member_id is not None else create_member(actor, new_member or {})
        recorded = []
        for purpose in purposes:
            if not has_active_consent(member, purpose):
                give_consent(actor, member.id, purpose, method)
                recorded.append(purpose)
        db.session.expire(member, ["consents"])  # create_request reads them again
        help_request = create_request(actor, {**request, "requester_id": member.id})
    return Intake(member, help_request, member_id is None, recorded)
