"""Report payloads decoded at C speed, and exactly as strictly as `federation.protocol.encoding.json_object`.

msgspec decodes a payload straight into typed structs, its figures into
`FigureIn`: the JSON and every member's type are checked in C, NaN, Infinity,
invalid UTF-8 and unknown members refused, as the protocol wants. Of a member
written twice, though, msgspec keeps the last, where the protocol refuses the
payload (two parsers could read two different reports from one signature). So
a payload takes this path only where a count proves that no member is written
twice (`_each_member_once`). Every other payload, and every payload msgspec
refuses, goes to the strict parser, which then decides: the hub answers the
same either way, only more slowly.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import msgspec

from federation.protocol.encoding import json_object
from schemas.federation.figures import FigureIn


class DisclosureIn(msgspec.Struct, forbid_unknown_fields=True):
    min_count: int
    method: str


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    """The members of a report and their JSON types; their rules are `ReportSchema`'s."""

    schema: str
    report_id: str
    node_id: str
    period: str
    revision: int
    complete: bool
    issued_at: str
    disclosure: DisclosureIn
    figures: list[FigureIn]


_decoder = msgspec.json.Decoder(ReportIn)
# Members every payload that decodes has: the required ones (an optional one counted as absent is safe, see below).
_OUTER_MEMBERS = sum(field.required for struct in (ReportIn, DisclosureIn) for field in msgspec.structs.fields(struct))
_FIGURE_MEMBERS = sum(field.required for field in msgspec.structs.fields(FigureIn))
_SUPPRESSED = attrgetter("suppressed")


def report_claims(payload: bytes) -> dict[str, Any]:
    """The payload as `json_object` gives it (EncodingError and all), its figures as `FigureIn` if they decode so."""
    report = _decoded(payload)
    if report is None:
        return json_object(payload)
    claims = msgspec.structs.asdict(report)
    claims["disclosure"] = msgspec.structs.asdict(report.disclosure)
    return claims


def _decoded(payload: bytes) -> ReportIn | None:
    """The payload as a `ReportIn`, or None where msgspec refuses it or cannot prove it has no member twice."""
    if b"\\" in payload:  # an escape could spell a colon, or a member's name, in other bytes
        return None
    try:
        report = _decoder.decode(payload)
    except (msgspec.MsgspecError, UnicodeDecodeError):
        return None
    return report if _each_member_once(payload, report) else None


def _each_member_once(payload: bytes, report: ReportIn) -> bool:
    """True only if no object of the JSON text has a member twice: counted by colons, in C.

    Outside strings, JSON has one colon for each member of an object and no other. With no escape
    in the text, a string's bytes are its value's. So the text holds W + C colons: W members
    written, C colons inside the string values written. Of the decoded report this counts M
    members kept and K colons inside some of the string values kept (those outside the figures):
    M <= W and K <= C, and a member written twice makes M < W. Equal counts therefore prove that
    no member is written twice. (A colon in a figure's code, or an optional member not counted,
    only makes the counts differ: such a payload goes to the strict parser, which is merely slower.)
    """
    figures = report.figures
    members = _OUTER_MEMBERS + _FIGURE_MEMBERS * len(figures)
    members += len(figures) - list(map(_SUPPRESSED, figures)).count(msgspec.UNSET)  # `suppressed` where present
    outer = (*msgspec.structs.astuple(report), *msgspec.structs.astuple(report.disclosure))
    colons = sum(value.count(":") for value in outer if isinstance(value, str))
    return payload.count(b":") == members + colons
