"""Reading and checking the node's areas."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from node.config import NodeSettings
from wijknet.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str


def settings() -> NodeSettings:
    return current_app.extensions["wijknet.settings"]


def node_areas() -> list[Area]:
    """The wijk first, then its buurten in code order."""
    s = settings()
    areas = []
    if s.wijk:
        areas.append(Area(s.wijk, s.name, "wijk"))
    areas.extend(Area(code, name, "buurt") for code, name in sorted(s.buurten.items()))
    return areas


def buurt_codes() -> list[str]:
    return sorted(settings().buurten)


def check_buurt(code: str | None, field: str = "buurt_code") -> None:
    """A buurt must be one of the node's own (or absent)."""
    if code is None:
        return
    known = settings().buurten
    if code not in known:
        raise InvalidInput(
            "That buurt is not one of this cooperative's.",
            [FieldError(field, f"Unknown buurt; use one of: {', '.join(sorted(known)) or 'none configured'}.")],
        )
