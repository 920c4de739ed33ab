"""The municipal report's JSON (`wijknet-municipal-report/1`) and the API's views of reports. marshmallow only.

Version 1 of the report document: the members below, no others. A figure is
`{"value", "lower_bound", "text", "bounds", "unavailable"}`: `value` is the
number (null when there is none, with `unavailable` saying why), and when
`lower_bound` is true the true figure is at least `value` ("≥ 120" in
`text`). A later version that changes a member's meaning gets a new number.
"""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from federation.hub.municipal.numbers import money_text, total_text

REPORT_SCHEMA = "wijknet-municipal-report/1"
FORMATS = ("json", "csv", "pdf")
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the instants are UTC (spec section 2)


def _number(value: Decimal | None) -> int | float | None:
    """An exact decimal as a JSON number: whole numbers without a fraction."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class FigureOut(Schema):
    """One combined figure, perhaps a lower bound."""

    value = fields.Function(lambda t: _number(t.value), allow_none=True, required=True)
    lower_bound = fields.Boolean(required=True, metadata={"description": "The true figure is at least `value`"})
    bounds = fields.Function(
        lambda t: sorted(b.value for b in t.bounds),
        required=True,
        metadata={"description": "Why a lower bound: suppressed, missing, largest_month, unvalued"},
    )
    unavailable = fields.Function(
        lambda t: t.unavailable.value if t.unavailable else None,
        allow_none=True,
        required=True,
        metadata={"description": "Why there is no value: no_data, not_combinable, suppressed, not_per_category"},
    )
    suppressed_cells = fields.Integer(attribute="suppressed", required=True)
    missing_reports = fields.Integer(attribute="missing", required=True)
    text = fields.Function(lambda t: total_text(t), required=True, metadata={"description": 'As printed: "≥ 1.234"'})


class MoneyOut(FigureOut):
    """Euros, printed as "≥ € 1.234,50"."""

    text = fields.Function(lambda t: money_text(t), required=True)


class WijkOut(Schema):
    code = fields.String(required=True)
    name = fields.String(allow_none=True, required=True)
    nodes = fields.Integer(required=True, metadata={"description": "Cooperatives reporting on the wijk"})


class IndicatorOut(Schema):
    wijk = fields.String(required=True)
    category = fields.String(required=True, metadata={"description": "`_all` or a category of the code list"})
    metric = fields.String(required=True)
    figure = fields.Nested(FigureOut, attribute="total", required=True)


class NodeMonthOut(Schema):
    period = fields.String(required=True)
    state = fields.Function(
        lambda m: m.state.value,
        required=True,
        metadata={"description": "on_time, late, partial, missing, awaited, not_expected"},
    )
    revision = fields.Integer(allow_none=True, required=True)
    first_complete_at = fields.DateTime(format=UTC_FORMAT, allow_none=True, required=True)


class NodeReportingOut(Schema):
    node_id = fields.String(required=True)
    name = fields.String(required=True)
    months = fields.List(fields.Nested(NodeMonthOut), required=True)


class TrendPointOut(Schema):
    period = fields.Function(lambda p: p[0], required=True)
    figure = fields.Function(lambda p: FigureOut().dump(p[1]), required=True)


class TrendOut(Schema):
    metric = fields.String(required=True)
    points = fields.List(fields.Nested(TrendPointOut), required=True)


class ValuedHoursOut(Schema):
    method = fields.Function(
        lambda p: p.method.value, required=True, metadata={"description": "replacement_cost or market_price"}
    )
    rate_eur_per_hour = fields.Function(lambda p: _number(p.rate), required=True)
    source = fields.String(required=True)
    source_url = fields.String(allow_none=True, required=True)
    months = fields.List(fields.String(), required=True)
    hours = fields.Nested(FigureOut, required=True)
    euros = fields.Nested(MoneyOut, required=True)


class SocialValueOut(Schema):
    hours = fields.Nested(FigureOut, required=True, metadata={"description": "Volunteer hours over the period"})
    euros = fields.Nested(MoneyOut, allow_none=True, required=True)
    parts = fields.List(fields.Nested(ValuedHoursOut), required=True)
    unvalued_months = fields.List(fields.String(), required=True)


class LotDeliveryOut(Schema):
    tender_id = fields.String(required=True)
    tender_title = fields.String(required=True)
    tender_status = fields.String(required=True)
    lot_id = fields.String(required=True)
    lot_title = fields.String(required=True)
    areas = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    months = fields.Integer(required=True, metadata={"description": "Months of the report inside the tender"})
    required_hours = fields.Function(lambda d: _number(d.required_hours), required=True)
    committed_hours = fields.Function(lambda d: _number(d.committed_hours), required=True)
    delivered_hours = fields.Nested(FigureOut, required=True)


class ContentOut(Schema):
    """What the report says; the content digest is taken over exactly this (sorted keys, UTF-8)."""

    municipality = fields.Function(lambda c: {"code": c.municipality, "name": c.municipality_name}, required=True)
    period = fields.Function(lambda c: {"key": c.period, "kind": c.period_kind, "months": c.months}, required=True)
    disclosure = fields.Function(lambda c: {"min_count": c.min_count, "method": "suppress"}, required=True)
    reporting = fields.Function(
        lambda c: {
            "deadline_day": c.deadline_day,
            "expected_node_months": c.expected_node_months,
            "missing_node_months": c.missing_node_months,
        },
        required=True,
    )
    wijken = fields.List(fields.Nested(WijkOut), required=True)
    indicators = fields.List(fields.Nested(IndicatorOut), required=True)
    completeness = fields.List(fields.Nested(NodeReportingOut), attribute="reporting", required=True)
    trends = fields.List(fields.Nested(TrendOut), required=True)
    social_value = fields.Nested(SocialValueOut, required=True)
    tenders = fields.List(fields.Nested(LotDeliveryOut), required=True)


class HubOut(Schema):
    hub_id = fields.String(required=True)
    name = fields.String(required=True)
    discovery = fields.String(required=True, metadata={"description": "Where the hub's public keys are"})


class ExplanationsOut(Schema):
    disclosure = fields.String(required=True)
    lower_bound = fields.String(required=True)
    social_value = fields.String(required=True)
    signature = fields.String(required=True)


class MunicipalReportDocument(ContentOut):
    """The whole JSON file: the content with who made it, when, which revision, and how to read it."""

    schema = fields.Constant(REPORT_SCHEMA, required=True)
    hub = fields.Nested(HubOut, required=True)
    revision = fields.Integer(required=True)
    made_at = fields.DateTime(format=UTC_FORMAT, required=True)
    content_digest = fields.String(required=True)
    explanations = fields.Nested(ExplanationsOut, required=True)


# --- the API ----------------------------------------------------------------------------------------


class ReportFileOut(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    media_type = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "Bytes"})
    url = fields.String(required=True)
    signature_url = fields.String(required=True, metadata={"description": "The detached JWS over the file"})


class MunicipalReportOut(Schema):
    """One revision of a report, with links to its files and their signatures."""

    id = fields.Integer(required=True)
    municipality = fields.String(required=True)
    period = fields.String(required=True)
    revision = fields.Integer(required=True)
    made_at = fields.DateTime(required=True)
    content_digest = fields.String(attribute="digest", required=True)
    kid = fields.String(required=True, metadata={"description": "The hub key that signed the files"})
    files = fields.List(fields.Nested(ReportFileOut), required=True)


class ReportListArgs(Schema):
    """`?municipality=&period=`: narrow the list."""

    municipality = fields.String(validate=validate.Regexp(r"^GM[0-9]{4}$"))
    period = fields.String(validate=validate.Regexp(r"^[0-9]{4}-([0-9]{2}|Q[1-4])$"))


class ReportListOut(Schema):
    reports = fields.List(fields.Nested(MunicipalReportOut), required=True)
