"""URL converters shared by the node and the hub."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """`<id:member_id>`: a database id; anything else (or too large) is a 404, not a 500."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def safe_next(target: str | None) -> str | None:
    """A redirect target only if it is a path on this site, never another host (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
