"""Members of the cooperative: residents and organisations, their roles and consents."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from node.extensions import db, enum_column
from schemas.node.codes import (
    GRANTABLE_ROLES,
    ConsentMethod,
    ConsentPurpose,
    MemberKind,
    MembershipStatus,
    Role,
)
from wijknet.web.database import utcnow

if TYPE_CHECKING:
    from node.accounts.models import Account


class Member(db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind), default=MemberKind.RESIDENT)
    # Personal data: emptied by erasure, the row itself stays for anonymous history.
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    street_address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(7))
    notes: Mapped[str | None] = mapped_column(Text)
    birth_year: Mapped[int | None]
    # Not personal on their own; kept after erasure so figures stay true.
    buurt_code: Mapped[str | None] = mapped_column(String(10), index=True)
    status: Mapped[MembershipStatus] = mapped_column(enum_column(MembershipStatus), default=MembershipStatus.ACTIVE)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    role_rows: Mapped[list[MemberRole]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin"
    )
    skill_rows: Mapped[list[MemberSkill]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin"
    )
    account: Mapped[Account | None] = relationship(
        "Account", foreign_keys="Account.member_id", viewonly=True, lazy="selectin", uselist=False
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="member", foreign_keys="Consent.member_id", order_by="Consent.id"
    )

    __table_args__ = (Index("ix_members_joined_left", "joined_on", "left_on"),)

    @property
    def roles(self) -> list[str]:
        """Every role, `member` included, in a stable order."""
        granted = {r.role for r in self.role_rows}
        return [Role.MEMBER.value] + [r.value for r in GRANTABLE_ROLES if r in granted]

    @property
    def skills(self) -> list[str]:
        return sorted(s.category for s in self.skill_rows)

    @property
    def has_account(self) -> bool:
        return self.account is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def has_role(self, role: Role) -> bool:
        return role == Role.MEMBER or any(r.role == role for r in self.role_rows)

    def __repr__(self) -> str:  # never the name: reprs end up in logs
        return f"<Member {self.id}>"


class MemberRole(db.Model):
    __tablename__ = "member_roles"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="role_rows")


class MemberSkill(db.Model):
    """A category of help the member is good at (a code from the federation code list)."""

    __tablename__ = "member_skills"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)

    member: Mapped[Member] = relationship(back_populates="skill_rows")


class Consent(db.Model):
    """What a member agreed to, when, under which privacy statement, and who recorded it."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose))
    statement_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod))
    # Phone intake: a coordinator records consent on the resident's behalf.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(back_populates="consents", foreign_keys=[member_id])

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
