"""The report as CSV for spreadsheets: one row per wijk, category and metric.

UTF-8 with a byte-order mark and `;` as separator, which is what a Dutch
spreadsheet opens without asking. `value` is printed as people read it
("≥ 1.234,5"); `lower_bound` says the same for a machine, true or false.
"""

from __future__ import annotations

import csv
import io

from federation.hub.municipal.content import ReportContent
from federation.hub.municipal.document import ReportMeta, category_label, metric_label
from federation.hub.municipal.numbers import total_text

COLUMNS = (
    "municipality",
    "period",
    "revision",
    "wijk",
    "wijk_name",
    "category",
    "category_label",
    "metric",
    "metric_label",
    "value",
    "lower_bound",
)
BOM = "\ufeff"


def render_csv(content: ReportContent, meta: ReportMeta) -> bytes:
    names = {w.code: w.name or "" for w in content.wijken}
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in content.indicators:
        writer.writerow(
            (
                content.municipality,
                content.period,
                meta.revision,
                item.wijk,
                names.get(item.wijk, ""),
                item.category,
                category_label(item.category),
                item.metric,
                metric_label(item.metric),
                total_text(item.total),
                "true" if item.total.lower_bound else "false",
            )
        )
    return (BOM + out.getvalue()).encode("utf-8")
