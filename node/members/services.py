"""Members: create, read, change, roles and consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, func, or_, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role, require_self_or_role
from node.areas.services import check_buurt
from node.audit.services import changed_fields, record
from node.availability import normalise_slots
from node.extensions import db
from node.members.models import Consent, Member, MemberRole, MemberSkill
from node.settings.services import get_setting
from schemas.node.codes import GRANTABLE_ROLES, AuditAction, ConsentMethod, ConsentPurpose, MembershipStatus, Role
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound
from wijknet.web.database import utcnow
from wijknet.web.pagination import Page, paginate

# What members may change about themselves; the rest is the coordinator's.
SELF_EDITABLE = frozenset(
    {"name", "email", "phone", "street_address", "postcode", "buurt_code", "availability", "skills", "birth_year"}
)


@dataclass
class MemberFilter:
    q: str | None = None
    role: Role | None = None
    status: MembershipStatus | None = None
    buurt_code: str | None = None
    skill: str | None = None
    include_erased: bool = False


def _get(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def _check_email_free(email: str | None, member_id: int | None = None) -> None:
    if email is None:
        return
    stmt = select(Member.id).where(Member.email == email)
    if member_id is not None:
        stmt = stmt.where(Member.id != member_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict("Another member already uses this e-mail address.")


def create_member(actor: Actor, data: dict[str, Any]) -> Member:
    """A new member, entered by a coordinator (phone intake) or an administrator."""
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    return add_member(actor, data)


def add_member(actor: Actor, data: dict[str, Any]) -> Member:
    """Store a member without a permission check (joining by oneself, intake, the CLI)."""
    data = dict(data)
    skills = data.pop("skills", [])
    data["availability"] = normalise_slots(data.get("availability"))
    data.setdefault("joined_on", date.today())
    check_buurt(data.get("buurt_code"))
    _check_email_free(data.get("email"))
    member = Member(**data)
    member.skill_rows = [MemberSkill(category=c) for c in sorted(set(skills))]
    db.session.add(member)
    db.session.flush()
    record(actor, AuditAction.CREATE, "member", member.id, subject_member_id=member.id)
    return member


def own_member_id(actor: Actor) -> int:
    """The member behind the actor; a service token has none."""
    if actor.member_id is None:
        raise NotFound("This token belongs to no member.")
    return actor.member_id


def get_member(actor: Actor, member_id: int) -> Member:
    require_self_or_role(actor, member_id, Role.COORDINATOR, Role.ADMIN)
    member = _get(member_id)
    if not actor.is_member(member_id):
        record(actor, AuditAction.VIEW, "member", member_id, subject_member_id=member_id)
    return member


def list_members(actor: Actor, filters: MemberFilter, page: int, page_size: int) -> Page[Member]:
    require_role(actor, Role.COORDINATOR, Role.ADMIN)
    stmt = select(Member).order_by(Member.name, Member.id)
    if not filters.include_erased:
        stmt = stmt.where(Member.erased_at.is_(None))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Member.name).like(pattern),
                func.lower(Member.email).like(pattern),
                Member.phone.like(pattern),
                func.lower(Member.postcode).like(pattern),
            )
        )
    if filters.role is not None and filters.role != Role.MEMBER:
        stmt = stmt.where(exists().where(MemberRole.member_id == Member.id, MemberRole.role == filters.role))
    if filters.status is not None:
        stmt = stmt.where(Member.status == filters.status)
    if filters.buurt_code is not None:
        stmt = stmt.where(Member.buurt_code == filters.buurt_code)
    if filters.skill is not None:
        stmt = stmt.where(exists().where(MemberSkill.member_id == Member.id, MemberSkill.category == filters.skill))
    result = paginate(db.session, stmt, page, page_size)
    record(actor, AuditAction.LIST, "member", detail=f"{len(result.items)} of {result.total} shown")
    return result


def update_member(actor: Actor, member_id: int, changes: dict[str, Any]) -> Member:
    """Change a member; members may change their own contact details, coordinators all."""
    require_self_or_role(actor, member_id, Role.COORDINATOR, Role.ADMIN)
    member = _get(member_id)
    if member.is_erased:
        raise Conflict("This member's data was erased.")
    if not (actor.is_staff or actor.has(Role.ADMIN)):
        refused = sorted(set(changes) - SELF_EDITABLE)
        if refused:
            raise InvalidInput(
                "Some fields can only be changed by a coordinator.",
                [FieldError(f, "Only a coordinator can change this.") for f in refused],
            )
    if "buurt_code" in changes:
        check_buurt(changes["buurt_code"])
    if "email" in changes:
        _check_email_free(changes["email"], member_id)
    if "skills" in changes:
        member.skill_rows = [MemberSkill(category=c) for c in sorted(set(changes.pop("skills") or []))]
        changes_for_log = {**changes, "skills": True}
    else:
        changes_for_log = dict(changes)
    if "availability" in changes:
        changes["availability"] = normalise_slots(changes["availability"])
    if "status" in changes:
        _apply_status(member, changes.pop("status"), changes.pop("left_on", None))
    for key, value in changes.items():
        setattr(member, key, value)
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "member",
        member_id,
        subject_member_id=member_id,
        detail=changed_fields(changes_for_log),
    )
    return member


def _apply_status(member: Member, status: MembershipStatus, left_on: date | None) -> None:
    """Ending a membership dates it; taking it up again clears the end date."""
    if status == MembershipStatus.ENDED:
        member.left_on = left_on or member.left_on or date.today()
        if member.left_on < member.joined_on:
            raise InvalidInput("A membership cannot end before it began.", [FieldError("left_on", "Before joined_on.")])
    else:
        member.left_on = None
    member.status = status


def set_roles(actor: Actor, member_id: int, roles: list[Role]) -> Member:
    """Replace a member's granted roles (`member` itself is implicit)."""
    require_role(actor, Role.ADMIN)
    member = _get(member_id)
    if member.is_erased:
        raise Conflict("This member's data was erased.")
    wanted = {Role(r) for r in roles} - {Role.MEMBER}
    if Role.ADMIN not in wanted and member.has_role(Role.ADMIN) and count_with_role(Role.ADMIN) <= 1:
        raise Conflict("This is the last administrator; make someone else administrator first.")
    member.role_rows = [MemberRole(role=r) for r in GRANTABLE_ROLES if r in wanted]
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "member",
        member_id,
        subject_member_id=member_id,
        detail="roles: " + ", ".join(sorted(r.value for r in wanted)),
    )
    return member


def grant_role(member: Member, role: Role) -> None:
    """Add one role (joining as a volunteer, the CLI)."""
    if role != Role.MEMBER and not member.has_role(role):
        member.role_rows.append(MemberRole(role=role))
        db.session.flush()


def count_with_role(role: Role) -> int:
    stmt = (
        select(func.count())
        .select_from(MemberRole)
        .join(Member, Member.id == MemberRole.member_id)
        .where(MemberRole.role == role, Member.erased_at.is_(None))
    )
    return db.session.scalar(stmt) or 0


# --- consent ------------------------------------------------------------------


def list_consents(actor: Actor, member_id: int) -> list[Consent]:
    require_self_or_role(actor, member_id, Role.COORDINATOR, Role.ADMIN)
    consents = list(_get(member_id).consents)
    if not actor.is_member(member_id):
        record(actor, AuditAction.VIEW, "consent", subject_member_id=member_id, detail=f"{len(consents)} consents")
    return consents


def give_consent(
    actor: Actor,
    member_id: int,
    purpose: ConsentPurpose,
    method: ConsentMethod,
    statement_version: str | None = None,
) -> Consent:
    """Record consent; given by anyone but the member, it is recorded as on their behalf."""
    require_self_or_role(actor, member_id, Role.COORDINATOR)
    member = _get(member_id)
    if member.is_erased:
        raise Conflict("This member's data was erased.")
    on_behalf = not actor.is_member(member_id)
    if on_behalf and method == ConsentMethod.ONLINE:
        raise InvalidInput(
            "Consent given on someone's behalf was given by phone, on paper or in person.",
            [FieldError("method", "Not 'online' when recorded by a coordinator.")],
        )
    consent = Consent(
        member_id=member_id,
        purpose=purpose,
        method=method,
        statement_version=statement_version or get_setting("privacy_statement_version"),
        on_behalf=on_behalf,
        recorded_by_id=actor.member_id if on_behalf else None,
        given_at=utcnow(),
    )
    db.session.add(consent)
    db.session.flush()
    record(actor, AuditAction.CREATE, "consent", consent.id, subject_member_id=member_id, detail=purpose.value)
    return consent


def withdraw_consent(actor: Actor, member_id: int, consent_id: int) -> Consent:
    require_self_or_role(actor, member_id, Role.COORDINATOR)
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.member_id != member_id:
        raise NotFound("No such consent.")
    if consent.withdrawn_at is not None:
        raise Conflict("This consent was already withdrawn.")
    consent.withdrawn_at = utcnow()
    record(actor, AuditAction.UPDATE, "consent", consent.id, subject_member_id=member_id, detail="withdrawn")
    return consent


def has_active_consent(member: Member, purpose: ConsentPurpose) -> bool:
    return any(c.purpose == purpose and c.withdrawn_at is None for c in member.consents)


def find_by_email(email: str) -> Member | None:
    return db.session.scalar(select(Member).where(Member.email == email.strip().lower()))
