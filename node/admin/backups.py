"""Backups from the administrator's pages: make one now, list those kept in the instance folder, download one.

An archive holds every member's personal data and the node's secret key, so
only administrators see them, and every one made or downloaded is in the
audit log. The pages never restore: that replaces the whole database and is
done on the server with `wijknet node restore`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.backup import KIND, backup_node
from schemas.node.codes import AuditAction, Role
from wijknet.errors import NotFound
from wijknet.web.backup import BACKUPS_FOLDER

# The names `wijknet node backup` gives its archives (wijknet.web.backup.default_destination).
ARCHIVE_PATTERN = f"wijknet-{KIND}-*.zip"


@dataclass(frozen=True)
class BackupFile:
    name: str
    size: int  # bytes
    made_at: datetime  # the file's time, UTC

    @classmethod
    def of(cls, path: Path) -> BackupFile:
        info = path.stat()
        return cls(path.name, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))


def backups_folder(app: Flask) -> Path:
    return Path(app.instance_path) / BACKUPS_FOLDER


def list_backups(actor: Actor, app: Flask) -> list[BackupFile]:
    """The archives in the instance's backups folder, newest first."""
    require_role(actor, Role.ADMIN)
    folder = backups_folder(app)
    if not folder.is_dir():
        return []
    found = [BackupFile.of(path) for path in folder.glob(ARCHIVE_PATTERN) if path.is_file()]
    return sorted(found, key=lambda b: (b.made_at, b.name), reverse=True)


def make_backup(actor: Actor, app: Flask) -> BackupFile:
    """Write a new archive to the backups folder (raises BackupError when the database cannot be read)."""
    require_role(actor, Role.ADMIN)
    summary = backup_node(app)
    made = BackupFile.of(Path(summary["backup"]))
    record(actor, AuditAction.CREATE, "backup", detail=made.name)
    return made


def backup_to_download(actor: Actor, app: Flask, name: str) -> Path:
    """The archive called `name`; only names from the list, so no path can reach outside the folder."""
    require_role(actor, Role.ADMIN)
    if name not in {b.name for b in list_backups(actor, app)}:
        raise NotFound("No such backup.")
    record(actor, AuditAction.EXPORT, "backup", detail=name)
    return backups_folder(app) / name
