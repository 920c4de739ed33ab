"""Accounts: passwords, login with throttling, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from node.accounts.actor import Actor
from node.accounts.models import Account, ApiToken, LoginThrottle
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.members.models import Member
from node.members.services import add_member, grant_role
from schemas.node.codes import AuditAction, Role
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound
from wijknet.web.database import utcnow
from wijknet.web.passwords import Passwords, password_problems
from wijknet.web.throttle import PER_ACCOUNT, PER_CLIENT, ThrottlePolicy, seconds_until, window_expired

TOKEN_PREFIX = "wkn_"


def passwords() -> Passwords:
    return current_app.extensions["wijknet.passwords"]


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- passwords and accounts -------------------------------------------------


def set_password(member: Member, password: str) -> Account:
    """Give a member a login, or a new password (which ends their other sessions)."""
    problems = password_problems(password)
    if problems:
        raise InvalidInput("The password is not strong enough.", [FieldError("password", p) for p in problems])
    if not member.email:
        raise InvalidInput("A login needs an e-mail address.", [FieldError("email", "Missing.")])
    account = db.session.scalar(select(Account).where(Account.member_id == member.id))
    now = utcnow()
    if account is None:
        account = Account(member_id=member.id, password_hash=passwords().hash(password), created_at=now)
        db.session.add(account)
    else:
        account.password_hash = passwords().hash(password)
    account.password_changed_at = now
    db.session.flush()
    return account


def load_account(session_user_id: str) -> Account | None:
    """Flask-Login's loader: `"<account id>:<password changed at>"`."""
    account_id, _, stamp = session_user_id.partition(":")
    if not account_id.isdigit() or not stamp.isdigit():
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or account.get_id() != session_user_id or not account.is_active:
        return None
    return account


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown e-mail or wrong password: never say which
    LOCKED = "locked"


@dataclass
class LoginResult:
    outcome: LoginOutcome
    account: Account | None = None
    retry_after: int = 0


def login(email: str, password: str, client_address: str, now: datetime | None = None) -> LoginResult:
    """Check a login; failures are counted per e-mail and per client address.

    Returns a result instead of raising, because the caller must commit the
    failure count even though the login did not succeed.
    """
    now = now or utcnow()
    email = normalise_email(email)
    keys = {f"email:{email}"[:300]: PER_ACCOUNT, f"ip:{client_address}"[:300]: PER_CLIENT}
    rows = {key: db.session.get(LoginThrottle, key) for key in keys}
    locked = [r.locked_until for r in rows.values() if r and r.locked_until and r.locked_until > now]
    if locked:
        return LoginResult(LoginOutcome.LOCKED, retry_after=seconds_until(max(locked), now))

    member = db.session.scalar(select(Member).where(Member.email == email)) if email else None
    account = db.session.scalar(select(Account).where(Account.member_id == member.id)) if member is not None else None
    usable = account is not None and account.is_active
    if not passwords().verify(account.password_hash if usable and account else None, password):
        for key, policy in keys.items():
            _count_failure(rows[key], key, policy, now)
        record(
            Actor(None, frozenset(), "anonymous"),
            AuditAction.LOGIN_FAILED,
            "account",
            account.id if account else None,
            subject_member_id=member.id if member else None,
        )
        return LoginResult(LoginOutcome.WRONG)

    assert account is not None and member is not None
    account_key = f"email:{email}"[:300]
    if rows[account_key] is not None:
        db.session.delete(rows[account_key])
    if passwords().needs_rehash(account.password_hash):
        account.password_hash = passwords().hash(password)
    account.last_login_at = now
    record(actor_for_account(account), AuditAction.LOGIN, "account", account.id, subject_member_id=member.id)
    return LoginResult(LoginOutcome.OK, account=account)


def _count_failure(row: LoginThrottle | None, key: str, policy: ThrottlePolicy, now: datetime) -> None:
    if row is None:
        row = LoginThrottle(key=key, failures=0, first_failure_at=now)
        db.session.add(row)
    elif window_expired(row.first_failure_at, now) and not (row.locked_until and row.locked_until > now):
        row.failures = 0
        row.first_failure_at = now
    row.failures += 1
    row.locked_until = policy.lock_after(row.failures, now)
    db.session.flush()


def actor_for_account(account: Account) -> Actor:
    return Actor.for_member(account.member_id, account.member.roles)


# --- API tokens ---------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(
    actor: Actor,
    *,
    role: Role,
    name: str,
    member_id: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, ApiToken]:
    """Make a token; the raw value is returned once and never stored."""
    require_role(actor, Role.ADMIN)
    if member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None or member.is_erased:
            raise InvalidInput("No such member.", [FieldError("member_id", "Unknown member.")])
        if not member.has_role(role):
            raise InvalidInput(
                "The member does not hold that role.", [FieldError("role", f"Member lacks the {role} role.")]
            )
    elif role in (Role.MEMBER, Role.VOLUNTEER):
        raise InvalidInput(
            "A member or volunteer token belongs to a member.", [FieldError("member_id", "Required for this role.")]
        )
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("The expiry lies in the past.", [FieldError("expires_at", "Must be in the future.")])
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        role=role,
        member_id=member_id,
        created_by_id=actor.member_id,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    record(actor, AuditAction.TOKEN, "api_token", token.id, subject_member_id=member_id, detail="created")
    return raw, token


# A token's last use is written at most this often, so reads stay reads.
LAST_USED_RESOLUTION_SECONDS = 300


def authenticate_token(raw: str, now: datetime | None = None) -> Actor | None:
    """The actor behind a bearer token, or None if it is unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    if token.member_id is not None:
        member = token.member
        if member is None or member.is_erased or not member.has_role(token.role):
            return None  # a role taken away also disarms the member's tokens
        roles = frozenset({Role.MEMBER, token.role})
    else:
        roles = frozenset({token.role})
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        token.last_used_at = now
    label = f"token {token.id} ({token.name})"
    return Actor(member_id=token.member_id, roles=roles, label=label[:120], token_id=token.id)


def list_tokens(actor: Actor) -> list[ApiToken]:
    require_role(actor, Role.ADMIN)
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    require_role(actor, Role.ADMIN)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise Conflict("The token was already revoked.")
    token.revoked_at = utcnow()
    record(actor, AuditAction.TOKEN, "api_token", token.id, subject_member_id=token.member_id, detail="revoked")
    return token


def set_member_password(actor: Actor, member_id: int, password: str) -> Account:
    """An administrator gives a member a login or a new password."""
    require_role(actor, Role.ADMIN)
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    if member.is_erased:
        raise Conflict("This member's data was erased.")
    account = set_password(member, password)
    record(actor, AuditAction.UPDATE, "account", account.id, subject_member_id=member_id, detail="password set")
    return account


def change_own_password(actor: Actor, current_password: str, new_password: str) -> Account:
    """A member changes their own password; the current one must be right."""
    if actor.member_id is None:
        raise NotFound("This token belongs to no member.")
    account = db.session.scalar(select(Account).where(Account.member_id == actor.member_id))
    if account is None or not passwords().verify(account.password_hash, current_password):
        raise InvalidInput("The current password is not right.", [FieldError("current_password", "Wrong.")])
    account = set_password(account.member, new_password)
    record(
        actor, AuditAction.UPDATE, "account", account.id, subject_member_id=actor.member_id, detail="password changed"
    )
    return account


def create_user(actor: Actor, *, email: str, role: Role, name: str | None, password: str) -> Account:
    """An account for the command line: finds or makes the member, grants the role, sets the password."""
    require_role(actor, Role.ADMIN)
    email = normalise_email(email)
    member = db.session.scalar(select(Member).where(Member.email == email))
    if member is None:
        member = add_member(actor, {"name": name or email.split("@")[0], "email": email})
    elif member.is_erased:
        raise Conflict("This member's data was erased.")
    grant_role(member, role)
    account = set_password(member, password)
    record(actor, AuditAction.UPDATE, "account", account.id, subject_member_id=member.id, detail=f"role {role}")
    return account
