"""The administrator's overview: one line of state per section, so that what needs attention stands out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select

from node.accounts.actor import Actor
from node.accounts.management import count_accounts
from node.accounts.models import ApiToken
from node.accounts.permissions import require_role
from node.admin.backups import BackupFile, list_backups
from node.extensions import db
from node.settings.services import all_settings
from schemas.node.codes import Role
from wijknet.web.database import utcnow


@dataclass(frozen=True)
class AdminOverview:
    accounts: int
    working_tokens: int
    settings: dict[str, Any]
    last_backup: BackupFile | None


def admin_overview(actor: Actor, app: Flask) -> AdminOverview:
    require_role(actor, Role.ADMIN)
    now = utcnow()
    working = (
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.revoked_at.is_(None), or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
    )
    backups = list_backups(actor, app)
    return AdminOverview(
        accounts=count_accounts(actor),
        working_tokens=db.session.scalar(working) or 0,
        settings=all_settings(actor),
        last_backup=backups[0] if backups else None,
    )
