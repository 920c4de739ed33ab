"""How commands talk: text for people on stderr-free stdout, then one line of JSON last."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click


def json_default(value: Any) -> Any:
    """ISO 8601 for dates and instants, exact text for decimals (not Flask's HTTP dates)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def say(message: str) -> None:
    """A line for people."""
    click.echo(message)


def result(data: dict[str, Any]) -> None:
    """The machine-readable result: one line of JSON, printed last."""
    click.echo(json.dumps(data, default=json_default, ensure_ascii=False, separators=(",", ":")))
