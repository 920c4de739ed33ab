"""Run-time settings with their defaults and limits, changed by the node's administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import changed_fields, record
from node.extensions import db
from node.settings.models import NodeSetting
from schemas.node.codes import AuditAction, Role

# The protocol's floor for min_count (spec section 4): a node may be stricter, never looser.
PROTOCOL_MIN_COUNT = 3


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    default: Any
    description: str


DEFINITIONS: dict[str, SettingDefinition] = {
    d.key: d
    for d in (
        SettingDefinition(
            "min_count", 5, "The node's own minimum count for published figures (the hub's applies if higher)."
        ),
        SettingDefinition(
            "retention_months",
            24,
            "Months after a request closes before its free text (description, notes) is cleared.",
        ),
        SettingDefinition(
            "privacy_statement_version", "2026-01", "The version of the privacy statement members agree to now."
        ),
    )
}


def get_setting(key: str) -> Any:
    row = db.session.get(NodeSetting, key)
    return DEFINITIONS[key].default if row is None else row.value


def all_settings(actor: Actor) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    stored = {row.key: row.value for row in db.session.scalars(select(NodeSetting))}
    return {key: stored.get(key, d.default) for key, d in DEFINITIONS.items()}


def update_settings(actor: Actor, changes: dict[str, Any]) -> dict[str, Any]:
    """Store changed values (the schema has checked their types and ranges)."""
    require_role(actor, Role.ADMIN)
    for key, value in changes.items():
        row = db.session.get(NodeSetting, key)
        if row is None:
            db.session.add(NodeSetting(key=key, value=value))
        else:
            row.value = value
    db.session.flush()
    record(actor, AuditAction.UPDATE, "settings", detail=changed_fields(changes))
    return all_settings(actor)
