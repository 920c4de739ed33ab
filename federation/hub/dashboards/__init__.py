"""The figures behind the dashboards: key figures, trends, per area, needs and gaps, completeness, social value.

Services only (no pages): each takes the caller's `Scope` first and returns
plain dataclasses whose totals (`federation.protocol.combine.Total`) carry
their lower bounds, ready for a table, a chart, a CSV or a report.
"""
