"""Area reference data: seed the demo city, import CBS key figures, and look areas and populations up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from federation.hub.accounts.actor import HubActor
from federation.hub.areas.cbs_csv import CbsFileError, SkippedRow, decode, read_cbs_csv
from federation.hub.areas.models import ReferenceArea
from federation.hub.areas.utrecht import SEED_SOURCE, UTRECHT, UTRECHT_WIJKEN
from federation.hub.extensions import db
from federation.hub.registry.services import acting_admin
from federation.protocol.areas import AreaLevel, area_level, municipality_of, wijk_of
from wijknet.errors import FieldError, InvalidInput

FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_ERRORS_SHOWN = 20


def parent_of(code: str) -> str | None:
    """The wijk of a buurt, the municipality of a wijk; a municipality has none here."""
    level = area_level(code)
    if level == AreaLevel.BUURT:
        return wijk_of(code)
    if level == AreaLevel.WIJK:
        return municipality_of(code)
    return None


@dataclass(frozen=True)
class SeedResult:
    created: list[str]
    renamed: list[str]


def seed_utrecht(actor: HubActor | str) -> SeedResult:
    """GM0344 Utrecht and its ten wijken by CBS code and name; populations already imported stay."""
    acting_admin(actor)
    created, renamed = [], []
    for code, name in (UTRECHT, *UTRECHT_WIJKEN):
        area = db.session.get(ReferenceArea, code)
        if area is None:
            level = area_level(code)
            db.session.add(
                ReferenceArea(code=code, name=name, level=level, parent_code=parent_of(code), source=SEED_SOURCE)
            )
            created.append(code)
        elif area.name != name:
            area.name = name
            renamed.append(code)
    db.session.flush()
    return SeedResult(created, renamed)


@dataclass(frozen=True)
class ImportResult:
    year: int
    source: str  # for the rows that do not name their own
    created: list[str]
    updated: list[str]
    without_population: list[str]  # imported, population unknown ("." or "x" in the file)
    skipped: list[SkippedRow]
    elsewhere: int  # rows of other municipalities, left out as asked

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated)


def default_source(year: int) -> str:
    return f"CBS, Kerncijfers wijken en buurten {year}"


def import_cbs_csv(
    actor: HubActor | str, data: bytes, *, year: int, source: str | None = None, municipality: str | None = None
) -> ImportResult:
    """Codes, names and population from CBS's key-figures CSV, in one go: the caller commits all or nothing.

    Rows the file gives no population for keep their name and lose an older
    population: the figure of `year` is unknown. `municipality` limits the
    import to one municipality's rows (CBS's file covers the whole country).
    """
    acting_admin(actor)
    errors = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(FieldError("year", f"The year the figures are for, {FIRST_YEAR} to {LAST_YEAR}."))
    if municipality is not None and area_level(municipality) != AreaLevel.MUNICIPALITY:
        errors.append(FieldError("municipality", "A CBS municipality code like GM0344."))
    source = (source or "").strip() or default_source(year)
    if len(source) > 300:
        errors.append(FieldError("source", "At most 300 characters."))
    if errors:
        raise InvalidInput("The import was not started.", errors)
    try:
        parsed = read_cbs_csv(decode(data))
    except CbsFileError as exc:
        raise InvalidInput(f"Not a CBS key-figures file: {exc}.") from None
    rows = [r for r in parsed.rows if municipality is None or municipality_of(r.code) == municipality]
    if not rows:
        shown = [FieldError(f"line {s.line}", s.reason) for s in parsed.skipped[:MAX_ERRORS_SHOWN]]
        where = f" for {municipality}" if municipality else ""
        raise InvalidInput(f"The file has no municipality, wijk or buurt to import{where}.", shown)

    existing = areas_by_code(r.code for r in rows)
    created, updated, without_population = [], [], []
    for row in rows:
        area = existing.get(row.code)
        if area is None:
            area = ReferenceArea(code=row.code, level=row.level, parent_code=parent_of(row.code))
            db.session.add(area)
            created.append(row.code)
        else:
            updated.append(row.code)
        if row.name:
            area.name = row.name[:200]
        area.population = row.population
        area.population_year = year
        area.source = (row.source or source)[:300]
        if row.population is None:
            without_population.append(row.code)
    db.session.flush()
    return ImportResult(
        year, source, created, updated, without_population, parsed.skipped, len(parsed.rows) - len(rows)
    )


def areas_by_code(codes: Iterable[str]) -> dict[str, ReferenceArea]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    found = db.session.scalars(select(ReferenceArea).where(ReferenceArea.code.in_(wanted)))
    return {area.code: area for area in found}


def children_of(parent_code: str) -> list[ReferenceArea]:
    """The wijken of a municipality, or the buurten of a wijk, by code."""
    stmt = select(ReferenceArea).where(ReferenceArea.parent_code == parent_code).order_by(ReferenceArea.code)
    return list(db.session.scalars(stmt))


def municipalities() -> list[ReferenceArea]:
    stmt = select(ReferenceArea).where(ReferenceArea.level == AreaLevel.MUNICIPALITY).order_by(ReferenceArea.code)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Population:
    """Inhabitants of an area (or of several, added), with the years and sources of the figures."""

    inhabitants: int
    years: tuple[int, ...]
    sources: tuple[str, ...]


def population_of(codes: Iterable[str], known: dict[str, ReferenceArea] | None = None) -> Population | None:
    """The areas' inhabitants added up; None unless every one of them has a population."""
    codes = sorted(set(codes))
    areas = known if known is not None else areas_by_code(codes)
    found = [areas.get(code) for code in codes]
    if not found or any(a is None or a.population is None for a in found):
        return None
    return Population(
        sum(a.population for a in found),
        tuple(sorted({a.population_year for a in found if a.population_year is not None})),
        tuple(sorted({a.source for a in found})),
    )
