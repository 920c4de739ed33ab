"""A member's own consents: which purposes they agree to now, and changing that in one go."""

from __future__ import annotations

from node.accounts.actor import Actor
from node.members.services import give_consent, list_consents, withdraw_consent
from schemas.node.codes import ConsentMethod, ConsentPurpose

# Consent for membership is not switched off here: without it the cooperative
# may not keep the member's data, so that is leaving (erasure), a step of its own.
OPTIONAL_PURPOSES = tuple(p for p in ConsentPurpose if p != ConsentPurpose.MEMBERSHIP)


def active_purposes(actor: Actor, member_id: int) -> set[ConsentPurpose]:
    return {c.purpose for c in list_consents(actor, member_id) if c.active}


def set_optional_consents(actor: Actor, member_id: int, wanted: set[ConsentPurpose]) -> tuple[int, int]:
    """Give the consents newly wanted and withdraw those no longer wanted; returns (given, withdrawn)."""
    given = withdrawn = 0
    current = [c for c in list_consents(actor, member_id) if c.active]
    for purpose in OPTIONAL_PURPOSES:
        active = [c for c in current if c.purpose == purpose]
        if purpose in wanted and not active:
            give_consent(actor, member_id, purpose, ConsentMethod.ONLINE)
            given += 1
        elif purpose not in wanted and active:
            for consent in active:  # consent recorded twice (online and at intake) is withdrawn twice
                withdraw_consent(actor, member_id, consent.id)
            withdrawn += 1
    return given, withdrawn
