"""The demo's folder: whether it holds a finished demo made with the same options, and starting afresh.

A marker file is written first and a manifest last. A folder with the marker
but no manifest was left by an interrupted run; a folder with neither, and
something in it, is not ours and is never deleted. The marker also carries a
lock, so two demos never build in or serve from the same folder at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

MARKER = ".wijknet-demo"
MANIFEST = "demo.json"
# Raised when what a demo folder holds changes shape, so older folders are rebuilt.
FORMAT = 3  # 2: a hub and its enrolled nodes; 3: the hub with accounts, areas and a valuation


class FolderError(Exception):
    """The folder cannot be used for the demo; the message says why."""


@dataclass(frozen=True)
class DemoOptions:
    """What decides the demo: the same options give the same data, nodes and ports."""

    seed: int
    months: int
    nodes: int
    port: int  # the hub's: each node's link to the hub holds its address

    def describe(self) -> str:
        nodes = f"{self.nodes} node{'s' if self.nodes != 1 else ''}"
        return f"seed {self.seed}, {self.months} months, {nodes}, hub on port {self.port}"


class FolderState(StrEnum):
    NEW = "new"
    COMPLETE = "complete"  # made with the same options: reuse it
    OTHER_OPTIONS = "other_options"
    HALF_MADE = "half_made"


class DemoFolder:
    """A claimed demo folder: ours, and locked for as long as this process runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        marker = root / MARKER
        if not marker.exists() and any(root.iterdir()):
            raise FolderError(f"{root} is not empty and not a wijknet demo folder; choose another --dir.")
        self._lock = os.open(marker, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise FolderError(f"Another `wijknet demo` is using {root}; stop it first.") from None

    def manifest(self) -> dict[str, Any] | None:
        try:
            manifest = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    def state(self, options: DemoOptions) -> FolderState:
        manifest = self.manifest()
        if manifest is not None:
            same = manifest.get("format") == FORMAT and manifest.get("options") == asdict(options)
            return FolderState.COMPLETE if same else FolderState.OTHER_OPTIONS
        if any(entry.name != MARKER for entry in self.root.iterdir()):
            return FolderState.HALF_MADE
        return FolderState.NEW

    def clear(self) -> None:
        """Remove everything but the marker (which holds the lock)."""
        for entry in self.root.iterdir():
            if entry.name == MARKER:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    def finish(self, options: DemoOptions, contents: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest, last and atomically: from now on the demo is complete."""
        manifest = {"format": FORMAT, "options": asdict(options), **contents}
        temporary = self.root / f"{MANIFEST}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds API tokens
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, self.root / MANIFEST)
        return manifest

    def release(self) -> None:
        os.close(self._lock)
