"""A dashboard table as a CSV file that Dutch Excel opens as it is: UTF-8 with a BOM, `;` between values.

Values are written as on the page ("1.234,5", "≥ 120"), so a lower bound
stays a lower bound in a spreadsheet too.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response

from federation.hub.dashboards.tables import Table, cell_text

BOM = "\ufeff"  # without it Excel reads UTF-8 as Windows-1252 and mangles "≥" and "coöperatie"
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def csv_filename(*parts: str) -> str:
    """ "wijknet-GM0344-2026-Q3-by-area.csv": the selection in the name, safe on every system."""
    cleaned = [UNSAFE.sub("-", p).strip("-") for p in ("wijknet", *parts) if p]
    return "-".join(cleaned) + ".csv"


def table_csv(table: Table, locale: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([cell_text(cell, locale) for cell in row.cells])
    return BOM + out.getvalue()


def csv_response(table: Table, filename: str, locale: str) -> Response:
    return Response(
        table_csv(table, locale).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
