"""Helpers for dumping domain objects with schemas."""

from __future__ import annotations

from typing import Any


class Annotated:
    """An object seen with a few extra attributes (totals, contact details) for a schema to dump."""

    def __init__(self, wrapped: Any, **extra: Any) -> None:
        self._wrapped = wrapped
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)
