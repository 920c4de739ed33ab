"""Users: accounts with a role, passwords, logging in with a throttle, and who a session is."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.audit import record
from federation.hub.accounts.models import AccountAction, HubLoginThrottle, HubUser
from federation.hub.accounts.permissions import require_role
from federation.hub.extensions import db
from federation.protocol.areas import AreaLevel, area_level
from wijknet.errors import Conflict, FieldError, InvalidInput, NotFound
from wijknet.web.database import utcnow
from wijknet.web.passwords import Passwords, password_problems
from wijknet.web.throttle import PER_ACCOUNT, PER_CLIENT, ThrottlePolicy, seconds_until, window_expired

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERATED_PASSWORD_BYTES = 12  # 16 characters of base64url: 96 random bits


def passwords() -> Passwords:
    """The app's password hasher, made on first use (its set-up costs one full hash)."""
    extensions = current_app.extensions
    if "wijknet.passwords" not in extensions:
        settings = extensions["wijknet.settings"]
        extensions["wijknet.passwords"] = Passwords(
            time_cost=settings.password_time_cost, memory_cost_kib=settings.password_memory_kib
        )
    return extensions["wijknet.passwords"]


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_role_and_municipality(role: HubRole, municipality: str | None) -> str | None:
    """A municipality account carries exactly one GM code; the city cooperative's accounts none."""
    municipality = (municipality or "").strip().upper() or None
    if role == HubRole.MUNICIPALITY:
        if municipality is None or area_level(municipality) != AreaLevel.MUNICIPALITY:
            raise InvalidInput(
                "A municipality account needs its municipality code.",
                [FieldError("municipality", "A CBS municipality code like GM0344.")],
            )
        return municipality
    if municipality is not None:
        raise InvalidInput(
            "Only a municipality account is limited to a municipality.",
            [FieldError("municipality", "Leave empty for this role.")],
        )
    return None


def actor_for_user(user: HubUser) -> HubActor:
    return HubActor(user_id=user.id, token_id=None, role=user.role, municipality=user.municipality, label=user.email)


# --- users ---------------------------------------------------------------------------------------


def _hash_new_password(password: str) -> str:
    problems = password_problems(password)
    if problems:
        raise InvalidInput("The password is not strong enough.", [FieldError("password", p) for p in problems])
    return passwords().hash(password)


def create_user(
    actor: HubActor, *, email: str, role: HubRole, municipality: str | None, name: str | None, password: str
) -> HubUser:
    """A new account (administrators); the e-mail address is its login."""
    require_role(actor, HubRole.ADMIN)
    email = normalise_email(email)
    errors = []
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        errors.append(FieldError("email", "An e-mail address like anna@example.org."))
    name = (name or "").strip() or email.split("@")[0]
    if len(name) > 200:
        errors.append(FieldError("name", "At most 200 characters."))
    if errors:
        raise InvalidInput("The account cannot be made.", errors)
    municipality = check_role_and_municipality(role, municipality)
    if db.session.scalar(select(HubUser.id).where(HubUser.email == email)) is not None:
        raise Conflict(f"There is already an account for {email}.")
    now = utcnow()
    user = HubUser(
        email=email,
        name=name,
        role=role,
        municipality=municipality,
        password_hash=_hash_new_password(password),
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    record(
        actor, AccountAction.USER_CREATED, user_id=user.id, detail=" ".join(filter(None, [role.value, municipality]))
    )
    return user


def list_users(actor: HubActor) -> list[HubUser]:
    require_role(actor, HubRole.ADMIN)
    return list(db.session.scalars(select(HubUser).order_by(HubUser.active.desc(), HubUser.email)))


def get_user(actor: HubActor, user_id: int) -> HubUser:
    require_role(actor, HubRole.ADMIN)
    user = db.session.get(HubUser, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def find_user(email: str) -> HubUser | None:
    return db.session.scalar(select(HubUser).where(HubUser.email == normalise_email(email)))


def reset_password(actor: HubActor, user_id: int) -> tuple[HubUser, str]:
    """A new generated password (administrators), returned once; the user's sessions end."""
    user = get_user(actor, user_id)
    password = generate_password()
    user.password_hash = _hash_new_password(password)
    user.password_changed_at = utcnow()
    record(actor, AccountAction.PASSWORD_RESET, user_id=user.id)
    return user, password


def change_own_password(actor: HubActor, current_password: str, new_password: str) -> HubUser:
    """A user changes their own password; the current one must be right. Other sessions end."""
    user = db.session.get(HubUser, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound("This is not a user's account.")
    if not passwords().verify(user.password_hash, current_password):
        raise InvalidInput("The current password is not right.", [FieldError("current_password", "Wrong.")])
    if new_password == current_password:
        raise InvalidInput("Choose a new password.", [FieldError("password", "The same as the current one.")])
    user.password_hash = _hash_new_password(new_password)
    user.password_changed_at = utcnow()
    record(actor, AccountAction.PASSWORD_CHANGED, user_id=user.id)
    return user


def set_active(actor: HubActor, user_id: int, active: bool) -> HubUser:
    """Deactivate an account (its sessions end at once) or make it active again."""
    user = get_user(actor, user_id)
    if not active and actor.user_id == user.id:
        raise Conflict("You cannot deactivate your own account.")
    if user.active == active:
        raise Conflict("The account is already " + ("active." if active else "deactivated."))
    user.active = active
    record(actor, AccountAction.USER_REACTIVATED if active else AccountAction.USER_DEACTIVATED, user_id=user.id)
    return user


# --- sessions and logging in -------------------------------------------------------------------


def load_user(session_user_id: str) -> HubUser | None:
    """Flask-Login's loader: `"<user id>:<password changed at>"`; inactive users are logged out."""
    user_id, _, stamp = session_user_id.partition(":")
    if not user_id.isdigit() or not stamp.isdigit() or len(user_id) > 10:
        return None
    user = db.session.get(HubUser, int(user_id))
    if user is None or user.get_id() != session_user_id or not user.active:
        return None
    return user


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown e-mail or wrong password: never say which
    LOCKED = "locked"


@dataclass
class LoginResult:
    outcome: LoginOutcome
    user: HubUser | None = None
    retry_after: int = 0  # seconds, when locked


def login(email: str, password: str, client_address: str, now: datetime | None = None) -> LoginResult:
    """Check a login; failures are counted per e-mail and per client address (wijknet.web.throttle).

    Returns a result instead of raising, because the caller must commit the
    failure count even though the login did not succeed.
    """
    now = now or utcnow()
    email = normalise_email(email)
    keys = {f"email:{email}"[:300]: PER_ACCOUNT, f"ip:{client_address}"[:300]: PER_CLIENT}
    rows = {key: db.session.get(HubLoginThrottle, key) for key in keys}
    locked = [r.locked_until for r in rows.values() if r and r.locked_until and r.locked_until > now]
    if locked:
        return LoginResult(LoginOutcome.LOCKED, retry_after=seconds_until(max(locked), now))

    user = find_user(email) if email else None
    usable = user is not None and user.active
    if not passwords().verify(user.password_hash if usable and user else None, password):
        for key, policy in keys.items():
            _count_failure(rows[key], key, policy, now)
        record("anonymous", AccountAction.LOGIN_FAILED, user_id=user.id if user else None)
        return LoginResult(LoginOutcome.WRONG)

    assert user is not None
    account_key = f"email:{email}"[:300]
    if rows[account_key] is not None:
        db.session.delete(rows[account_key])
    if passwords().needs_rehash(user.password_hash):
        user.password_hash = passwords().hash(password)
    user.last_login_at = now
    record(actor_for_user(user), AccountAction.LOGIN, user_id=user.id)
    return LoginResult(LoginOutcome.OK, user=user)


def _count_failure(row: HubLoginThrottle | None, key: str, policy: ThrottlePolicy, now: datetime) -> None:
    if row is None:
        row = HubLoginThrottle(key=key, failures=0, first_failure_at=now)
        db.session.add(row)
    elif window_expired(row.first_failure_at, now) and not (row.locked_until and row.locked_until > now):
        row.failures = 0
        row.first_failure_at = now
    row.failures += 1
    row.locked_until = policy.lock_after(row.failures, now)
    db.session.flush()
