"""The hub's roles and the actor: who is doing something, in which role, for which municipality."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HubRole(StrEnum):
    ADMIN = "admin"  # the hub's administrator: everything, the registry, users, settings
    ANALYST = "analyst"  # the city cooperative's analyst: every dashboard and report, no changes
    MUNICIPALITY = "municipality"  # read-only, its own municipality code only


@dataclass(frozen=True)
class HubActor:
    """Every service of the hub takes one first."""

    user_id: int | None
    token_id: int | None
    role: HubRole
    municipality: str | None  # set for the municipality role only: the code it may see, e.g. GM0344
    label: str  # who, in the audit trails

    def has(self, *roles: HubRole) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role == HubRole.ADMIN

    @classmethod
    def system(cls, label: str = "hub") -> HubActor:
        """The hub itself (the command line, scheduled jobs): may do everything."""
        return cls(user_id=None, token_id=None, role=HubRole.ADMIN, municipality=None, label=label)
