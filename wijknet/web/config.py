"""Configuration in layers: defaults, the instance file, `WIJKNET_*` variables, overrides.

A settings class is a dataclass whose fields are the keys of the instance's
TOML file. The environment variable `WIJKNET_<FIELD>` (upper case) overrides
the file, and the test configuration overrides both. Values from the
environment are converted to the field's type; a bad value stops start-up.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

ENV_PREFIX = "WIJKNET_"

# Values that mark a secret as not really set (copied from an example file).
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "dev", "placeholder"}

S = TypeVar("S")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


def _convert(name: str, raw: str, annotation: Any) -> Any:
    """Convert an environment string to the field's type."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if raw == "":
            return None
        return _convert(name, raw, options[0])
    if annotation is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be true or false, not {raw!r}")
    if annotation is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be a whole number, not {raw!r}") from None
    if annotation is str:
        return raw
    raise ConfigError(f"{ENV_PREFIX}{name.upper()} cannot be set from the environment")


def read_instance_file(path: Path) -> dict[str, Any]:
    """The instance's TOML file as a dict; an absent file is empty."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(
    cls: type[S],
    instance_path: Path,
    filename: str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> S:
    """Build `cls` from its defaults, the instance file, the environment and overrides."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}

    from_file = read_instance_file(instance_path / filename)
    unknown = set(from_file) - known
    if unknown:
        raise ConfigError(f"{instance_path / filename}: unknown keys {sorted(unknown)}")
    values.update(from_file)

    for name in known:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _convert(name, raw, hints[name])

    for name, value in (overrides or {}).items():
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = value

    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None


def write_instance_file(path: Path, values: Mapping[str, Any]) -> None:
    """Write a flat TOML file (strings, numbers, booleans, one level of tables), mode 0600."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        elif value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, table in tables:
        lines.append("")
        lines.append(f"[{key}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
