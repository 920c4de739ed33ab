"""The hub's fast path for reports agrees with the strict parser and the schema, on every report.

The hub decodes a report's payload with msgspec straight into `FigureIn`
(`report_claims`) and loads it with `ReportSchema`; the strict parser
(`json_object`) with the same schema is the reference. Random reports, valid
and broken in every way the rules name (and spelled with duplicate members,
escapes, NaN and numbers out of range), must come out of both the same:
malformed, or invalid with the same `field`/`message` pairs, or valid with the
same data.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from federation.protocol.codelists import ALL_CATEGORIES, METRICS
from federation.protocol.encoding import EncodingError, json_dumps, json_object
from schemas.federation.decoding import _decoded, report_claims
from schemas.federation.figures import FIGURE_CATEGORIES, FigureIn
from schemas.federation.messages import ReportSchema
from wijknet.web.problems import flatten_messages

AREAS = ("WK034402", "BU03440201", "BU03440202", "GM0344")
ODD_VALUES = (None, True, False, 0, -1, 1.5, 12.0, 2**70, -0.0, 1e300, "12", "x", "WK034402\n", "", [], {}, ["a"])
TOP_MEMBERS = ("schema", "report_id", "node_id", "period", "revision", "complete", "issued_at", "disclosure", "figures")


@st.composite
def figures(draw: st.DrawFn) -> dict[str, Any]:
    metric = draw(st.sampled_from(METRICS))
    category = draw(st.sampled_from(FIGURE_CATEGORIES)) if metric.per_category else ALL_CATEGORIES
    figure: dict[str, Any] = {"area": draw(st.sampled_from(AREAS)), "category": category, "metric": metric.code}
    if draw(st.integers(0, 3)) == 0:
        figure["value"] = None
        figure["suppressed"] = True
    else:
        values = st.integers(0, 40) if metric.person else st.integers(0, 500) | st.floats(0, 1e6)
        figure["value"] = draw(values)
        if draw(st.integers(0, 4)) == 0:
            figure["suppressed"] = False  # present and false: allowed beside a value
    return figure


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    """A report that keeps every rule, or breaks some: each figure's triple once, then mutated."""
    unique = {}
    for figure in draw(st.lists(figures(), max_size=25)):
        unique.setdefault((figure["area"], figure["category"], figure["metric"]), figure)
    report: dict[str, Any] = {
        "schema": "wijknet.report/1",
        "report_id": "0b6f4c1e-3f1d-4e8a-9c65-0d5b2f1a9e77",
        "node_id": "zuilen",
        "period": "2026-10",
        "revision": draw(st.integers(1, 5)),
        "complete": True,
        "issued_at": draw(st.sampled_from(["2026-11-01T02:00:07Z", "2026-11-01T02:00:07.25Z"])),
        "disclosure": {"min_count": 5, "method": "suppress"},
        "figures": list(unique.values()),
    }
    for _ in range(draw(st.integers(0, 3))):
        _mutate(draw, report)
    return report


def _mutate(draw: st.DrawFn, report: dict[str, Any]) -> None:
    """Break one thing, the way a careless or hostile sender would."""
    kind = draw(st.sampled_from(["figure", "figure", "figure", "top", "disclosure", "twice"]))
    figures = report.get("figures")
    objects = [f for f in figures if isinstance(f, dict)] if isinstance(figures, list) else []
    if kind == "figure" and objects:
        figure = draw(st.sampled_from(objects))
        member = draw(st.sampled_from(["area", "category", "metric", "value", "suppressed", "note"]))
        if draw(st.booleans()):
            figure.pop(member, None)
        else:
            figure[member] = draw(st.sampled_from(ODD_VALUES))
    elif kind == "twice" and objects:
        figures.append(copy.deepcopy(draw(st.sampled_from(objects))))
    elif kind == "disclosure" and isinstance(report.get("disclosure"), dict):
        member = draw(st.sampled_from(["min_count", "method", "extra"]))
        report["disclosure"][member] = draw(st.sampled_from(ODD_VALUES))
    else:
        member = draw(st.sampled_from([*TOP_MEMBERS, "remark"]))
        if draw(st.booleans()):
            report.pop(member, None)
        else:
            report[member] = draw(st.sampled_from(ODD_VALUES))


@st.composite
def payloads(draw: st.DrawFn) -> bytes:
    """A report as JSON text: mostly as a node writes it, sometimes spelled so that parsers could differ."""
    text = json_dumps(draw(reports())).decode("utf-8")
    spelling = draw(st.sampled_from(["plain", "plain", "plain", "duplicate", "escape", "space", "constant"]))
    if spelling == "duplicate":  # a member of some object written twice, with the same or another value
        names = [f'"{name}":' for name in ("area", "value", "suppressed", "revision", "method", "figures")]
        present = [name for name in names if name in text]
        if present:
            name = draw(st.sampled_from(present))
            at = text.index(name)
            value = draw(st.sampled_from(['"WK034402",', "7,", "null,", "true,", "[],"]))
            text = text[:at] + name + value + text[at:]
    elif spelling == "escape":  # the same text with one character escaped: the same JSON
        at = draw(st.sampled_from([i for i, c in enumerate(text) if c.isalpha()] or [0]))
        if text[at : at + 1].isalpha():
            text = text[:at] + f"\\u{ord(text[at]):04x}" + text[at + 1 :]
    elif spelling == "space":
        text = text.replace(",", draw(st.sampled_from([", ", ",\n", "\t,"])))
    elif spelling == "constant" and '"value":' in text:
        constant = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E2", "12.50"]))
        at = text.index('"value":') + len('"value":')
        end = min(i for i in (text.find(",", at), text.find("}", at)) if i >= 0)
        text = text[:at] + constant + text[end:]
    return text.encode("utf-8")


def outcome(read: Any, payload: bytes) -> tuple[Any, ...]:
    """What the hub makes of a payload read by `read`: malformed, invalid (the errors), or the data."""
    try:
        claims = read(payload)
    except EncodingError:
        return ("malformed",)
    try:
        data = ReportSchema().load(claims)
    except ValidationError as exc:
        return ("invalid", [(e.field, e.message) for e in flatten_messages(exc.messages)])
    figures = [_exactly(figure) for figure in data.pop("figures")]
    return ("valid", data, figures)


def _exactly(figure: FigureIn) -> tuple[Any, ...]:
    """A figure's members with their types: 12 and 12.0 are not the same signed text."""
    return tuple((type(value), value) for value in msgspec.structs.astuple(figure))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payloads())
def test_the_fast_path_and_the_schema_agree_on_every_report(payload: bytes) -> None:
    assert outcome(report_claims, payload) == outcome(json_object, payload)


@settings(max_examples=300, deadline=None)
@given(reports())
def test_a_report_takes_the_fast_path_exactly_when_its_members_have_their_json_types(report: dict[str, Any]) -> None:
    # Without escapes, that is: the strict parser then decides (a node's reports have none).
    payload = json_dumps(report)
    expected = _typed_as_the_protocol_says(report) and b"\\" not in payload
    assert (_decoded(payload) is not None) == expected


def _typed_as_the_protocol_says(report: dict[str, Any]) -> bool:
    """True if every member has the JSON type the protocol gives it (what msgspec decodes at C speed)."""
    top = {"schema": str, "report_id": str, "node_id": str, "period": str, "issued_at": str, "complete": bool}
    if set(report) != set(TOP_MEMBERS) or not all(type(report[name]) is kind for name, kind in top.items()):
        return False
    disclosure, figures = report["disclosure"], report["figures"]
    if type(report["revision"]) is not int or not isinstance(disclosure, dict) or not isinstance(figures, list):
        return False
    if set(disclosure) != {"min_count", "method"} or type(disclosure["min_count"]) is not int:
        return False
    if type(disclosure["method"]) is not str:
        return False
    try:
        msgspec.convert(figures, list[FigureIn])
    except msgspec.ValidationError:
        return False
    return True


def test_a_member_written_twice_is_malformed_whichever_copy_is_last() -> None:
    figure = '{"area":"WK034402","category":"_all","metric":"members_total","value":12}'
    report = {
        "schema": "wijknet.report/1",
        "report_id": "0b6f4c1e-3f1d-4e8a-9c65-0d5b2f1a9e77",
        "node_id": "zuilen",
        "period": "2026-10",
        "revision": 1,
        "complete": True,
        "issued_at": "2026-11-01T02:00:07Z",
        "disclosure": {"min_count": 5, "method": "suppress"},
        "figures": [],
    }
    base = json.dumps(report, separators=(",", ":")).replace('"figures":[]', f'"figures":[{figure}]')
    assert _decoded(base.encode()) is not None
    twice = [
        base.replace('"revision":1', '"revision":1,"revision":2'),
        base.replace('"method":"suppress"', '"method":"suppress","method":"suppress"'),
        base.replace('"value":12', '"value":3,"value":12'),
        base.replace('"area":"WK034402"', '"area":"WK034402","\\u0061rea":"WK034402"'),  # the same name, escaped
        base.replace('"issued_at":"2026-11-01T02:00:07Z"', '"issued_at":"2:0:0:0","issued_at":"2026-11-01T02:00:07Z"'),
    ]
    for text in twice:
        assert _decoded(text.encode()) is None
        try:
            report_claims(text.encode())
        except EncodingError as exc:
            assert "duplicate member" in str(exc)
        else:
            raise AssertionError(f"accepted {text}")


def test_what_msgspec_refuses_the_strict_parser_decides() -> None:
    figure = '{"area":"WK034402","category":"_all","metric":"members_total","value":%s}'
    for value, expected in (("NaN", "malformed"), ("1e400", "invalid"), ("true", "invalid"), ("12.0", "valid")):
        text = (
            '{"schema":"wijknet.report/1","report_id":"0b6f4c1e-3f1d-4e8a-9c65-0d5b2f1a9e77","node_id":"zuilen",'
            '"period":"2026-10","revision":1,"complete":true,"issued_at":"2026-11-01T02:00:07Z",'
            '"disclosure":{"min_count":5,"method":"suppress"},"figures":[' + figure % value + "]}"
        )
        assert outcome(report_claims, text.encode())[0] == expected
        assert outcome(report_claims, text.encode()) == outcome(json_object, text.encode())
