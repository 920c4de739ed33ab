"""Reading CBS's "Kerncijfers wijken en buurten" CSV: codes, names and population, and why a row was left out.

Two forms are in use. The open-data export (opendata.cbs.nl) has technical
headers (`WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;...;AantalInwoners_5`)
and pads its values with spaces; `WijkenEnBuurten` holds the code there, or
the name where a client put the titles in. The download from the StatLine
website has Dutch headers (`Wijken en buurten;Gemeentenaam;Soort regio;Codering;
Aantal inwoners`, sometimes with a unit: `Aantal inwoners (aantal)`), quoted
values, and lines of text before the header and after the data. Both use
CBS's symbols: "." for unknown, "x" for secret, "-" for nil.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from federation.protocol.areas import AreaLevel, area_level

HEADER_SEARCH_LINES = 20  # a website download starts with the table's title before the header
UNKNOWN = {"", ".", "x", "?"}
NIL = "-"
KIND_LEVELS = {"gemeente": AreaLevel.MUNICIPALITY, "wijk": AreaLevel.WIJK, "buurt": AreaLevel.BUURT}
# Our name for each column, by its header with case, spaces, units and the `_N` suffix taken off.
COLUMNS = {
    "wijkenenbuurten": "region",
    "gemeentenaam": "municipality_name",
    "soortregio": "kind",
    "codering": "code",
    "aantalinwoners": "population",
    "bron": "source",  # not CBS's: our example file names its source on every row
    "source": "source",
}


class CbsFileError(ValueError):
    """The file is not a CBS key-figures CSV we can read (no header, no population column)."""


@dataclass(frozen=True)
class AreaRow:
    line: int
    code: str
    level: AreaLevel
    name: str | None  # None: the file gives the code only
    population: int | None  # None: unknown (".") or secret ("x")
    source: str | None  # the row's own source, where the file has a source column


@dataclass(frozen=True)
class SkippedRow:
    line: int
    text: str  # the start of the line, so that a person finds it
    reason: str


@dataclass(frozen=True)
class CbsFile:
    rows: list[AreaRow]
    skipped: list[SkippedRow]


def column_key(header: str) -> str | None:
    """Our name for a header: `AantalInwoners_5`, `Aantal inwoners (aantal)` and `Bevolking/Aantal inwoners` match."""
    text = header.strip().strip('"').lower()
    text = re.sub(r"\(.*?\)", "", text).split("/")[-1]
    text = re.sub(r"_\d+$", "", text.strip())
    return COLUMNS.get(re.sub(r"[^a-z]", "", text))


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); older downloads come in Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_cbs_csv(text: str) -> CbsFile:
    """Every row that names a municipality, wijk or buurt; the others with the reason they were left out."""
    lines = text.splitlines()
    header_index, delimiter, columns = _find_header(lines)
    rows: list[AreaRow] = []
    skipped: list[SkippedRow] = []
    first_seen: dict[str, int] = {}
    reader = csv.reader(lines[header_index + 1 :], delimiter=delimiter)
    for cells in reader:
        line = header_index + 1 + reader.line_num  # a quoted value may span lines
        if not any(cell.strip() for cell in cells):
            continue
        row = _read_row(line, cells, columns)
        if isinstance(row, SkippedRow):
            skipped.append(row)
        elif row.code in first_seen:
            skipped.append(SkippedRow(line, row.code, f"{row.code} came before, on line {first_seen[row.code]}"))
        else:
            first_seen[row.code] = line
            rows.append(row)
    return CbsFile(rows, skipped)


def _find_header(lines: list[str]) -> tuple[int, str, dict[str, int]]:
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        delimiter = ";" if ";" in line else ","
        headers = next(csv.reader([line], delimiter=delimiter), [])
        columns: dict[str, int] = {}
        for position, header in enumerate(headers):
            key = column_key(header)
            if key is not None and key not in columns:
                columns[key] = position
        if "code" in columns or "region" in columns:
            if "population" not in columns:
                raise CbsFileError(f"line {index + 1}: no population column (Aantal inwoners, AantalInwoners_5)")
            return index, delimiter, columns
    raise CbsFileError(
        f"no header with a Codering or Wijken en buurten column in the first {HEADER_SEARCH_LINES} lines; "
        "is this CBS's Kerncijfers wijken en buurten as CSV?"
    )


def _read_row(line: int, cells: list[str], columns: dict[str, int]) -> AreaRow | SkippedRow:
    def cell(key: str) -> str:
        position = columns.get(key)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    region = cell("region")
    code = cell("code") or (region if area_level(region) else "")
    shown = (code or ";".join(c.strip() for c in cells))[:60]
    if not code:
        return SkippedRow(line, shown, "no area code")
    level = area_level(code)
    if level is None:
        return SkippedRow(line, shown, f"{code} is not a municipality (GM), wijk (WK) or buurt (BU) code")
    kind = cell("kind").lower()
    if kind and KIND_LEVELS.get(kind) != level:
        return SkippedRow(line, shown, f"the code {code} is a {level.value}, but Soort regio says {cell('kind')!r}")
    raw = cell("population").replace(" ", "")
    if raw.lower() in UNKNOWN:
        population = None
    elif raw == NIL:
        population = 0
    elif raw.isdigit():
        population = int(raw)
    else:
        return SkippedRow(line, shown, f"population {raw!r} is not a whole number")
    name = region if region and area_level(region) is None else None
    if name is None and level == AreaLevel.MUNICIPALITY:
        name = cell("municipality_name") or None
    return AreaRow(line, code, level, name, population, cell("source") or None)
