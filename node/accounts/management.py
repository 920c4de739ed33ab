"""The administrator's work on accounts: who may log in, with which roles; passwords made by the node.

The rules that keep a node manageable live here: an administrator does not
take away their own administrator role or switch off their own account (the
members' services also keep the last administrator), and a new password is
made by the node and shown once.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from node.accounts.actor import Actor
from node.accounts.models import Account
from node.accounts.permissions import require_role
from node.accounts.services import normalise_email, set_member_password
from node.audit.services import record
from node.extensions import db
from node.members.models import Member, MemberRole
from node.members.services import add_member, find_by_email, set_roles
from schemas.node.codes import AuditAction, Role
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound

GENERATED_PASSWORD_BYTES = 12  # 16 characters, well above the minimum length


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def list_accounts(actor: Actor) -> list[Account]:
    """Everyone who can log in (or could, before being switched off), by name."""
    require_role(actor, Role.ADMIN)
    stmt = select(Account).join(Member, Member.id == Account.member_id).order_by(Member.name, Account.id)
    return list(db.session.scalars(stmt))


def _account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound("No such account.")
    return account


def create_account(actor: Actor, *, email: str, name: str | None, roles: list[Role]) -> tuple[Account, str]:
    """A login for a member with this e-mail address (made if there is none), with `roles`; the password once."""
    require_role(actor, Role.ADMIN)
    email = normalise_email(email)
    member = find_by_email(email)
    if member is None:
        if not name:
            raise InvalidInput("A new member needs a name.", [FieldError("name", "Required for a new member.")])
        member = add_member(actor, {"name": name, "email": email})
    elif member.is_erased:
        raise Conflict("This member's data was erased.")
    elif db.session.scalar(select(Account.id).where(Account.member_id == member.id)) is not None:
        raise Conflict("This member already has an account.")
    set_roles(actor, member.id, sorted(set(roles) | set(member.roles)))
    password = generate_password()
    account = set_member_password(actor, member.id, password)
    record(actor, AuditAction.CREATE, "account", account.id, subject_member_id=member.id)
    return account, password


def change_roles(actor: Actor, account_id: int, roles: list[Role]) -> Account:
    """Replace an account holder's roles; an administrator keeps their own administrator role."""
    require_role(actor, Role.ADMIN)
    account = _account(account_id)
    if actor.is_member(account.member_id) and Role.ADMIN not in roles:
        raise Conflict("You cannot take away your own administrator role; ask another administrator.")
    set_roles(actor, account.member_id, roles)
    return account


def set_active(actor: Actor, account_id: int, active: bool) -> Account:
    """Switch a login off (its sessions end at once) or on again; the member and their data stay."""
    require_role(actor, Role.ADMIN)
    account = _account(account_id)
    if not active and actor.is_member(account.member_id):
        raise Conflict("You cannot switch off your own account; ask another administrator.")
    if not active and account.member.has_role(Role.ADMIN) and _active_admins() <= 1:
        raise Conflict("This is the last administrator who can log in; make someone else administrator first.")
    if active and account.member.is_erased:
        raise Conflict("This member's data was erased.")
    account.active = active
    db.session.flush()
    detail = "activated" if active else "deactivated"
    record(actor, AuditAction.UPDATE, "account", account.id, subject_member_id=account.member_id, detail=detail)
    return account


def _active_admins() -> int:
    stmt = (
        select(func.count())
        .select_from(Account)
        .join(Member, Member.id == Account.member_id)
        .join(MemberRole, MemberRole.member_id == Member.id)
        .where(Account.active.is_(True), Member.erased_at.is_(None), MemberRole.role == Role.ADMIN)
    )
    return db.session.scalar(stmt) or 0


def reset_password(actor: Actor, account_id: int) -> tuple[Account, str]:
    """A new password for someone who forgot theirs; the old one and their sessions stop working."""
    require_role(actor, Role.ADMIN)
    account = _account(account_id)
    password = generate_password()
    set_member_password(actor, account.member_id, password)
    return account, password


def count_accounts(actor: Actor) -> int:
    require_role(actor, Role.ADMIN)
    return db.session.scalar(select(func.count()).select_from(Account)) or 0
