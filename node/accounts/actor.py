"""The actor: who is doing something, with which roles. Every service takes one."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.node.codes import Role


@dataclass(frozen=True)
class Actor:
    member_id: int | None
    roles: frozenset[Role]
    label: str
    token_id: int | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def is_member(self, member_id: int) -> bool:
        return self.member_id is not None and self.member_id == member_id

    @property
    def is_staff(self) -> bool:
        """Coordinators broker help and see the personal data that needs."""
        return Role.COORDINATOR in self.roles

    @classmethod
    def system(cls, what: str = "system") -> Actor:
        """The node itself (scheduled jobs, the command line): may do everything."""
        return cls(member_id=None, roles=frozenset(Role), label=what)

    @classmethod
    def for_member(cls, member_id: int, roles: list[str] | frozenset[Role], *, token_id: int | None = None) -> Actor:
        label = f"member {member_id}" if token_id is None else f"member {member_id} (token {token_id})"
        return cls(member_id=member_id, roles=frozenset(Role(r) for r in roles), label=label, token_id=token_id)
