"""The hub's users, API tokens, login throttle and account events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from federation.hub.accounts.actor import HubRole
from federation.hub.extensions import db
from wijknet.web.database import enum_column, utcnow

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HubUser(db.Model):
    """A person who logs in to the hub: the city cooperative's staff or a municipality's."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[HubRole] = mapped_column(enum_column(HubRole))
    municipality: Mapped[str | None] = mapped_column(String(6))  # the municipality role only
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Changing the password changes the id, which logs out every other session. Microseconds,
        # so that a change in the same second as the login still counts.
        return f"{self.id}:{(self.password_changed_at - EPOCH) // timedelta(microseconds=1)}"


class HubApiToken(db.Model):
    """A bearer token for another system (the municipality's); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists so people can tell tokens apart
    role: Mapped[HubRole] = mapped_column(enum_column(HubRole))
    municipality: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class HubLoginThrottle(db.Model):
    """Failed logins per key (`email:...` or `ip:...`), shared by every worker through the database."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class AccountAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    USER_CREATED = "user_created"
    PASSWORD_CHANGED = "password_changed"  # by the user
    PASSWORD_RESET = "password_reset"  # by an administrator
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"


class AccountEvent(db.Model):
    """Who logged in, and who changed which account or token, when."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[AccountAction] = mapped_column(enum_column(AccountAction))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_account_events_user", "user_id", "at"),)
