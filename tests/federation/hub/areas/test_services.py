"""Area reference data in the hub's database: the demo city's seed, the CBS import, and populations."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.areas.models import ReferenceArea
from federation.hub.areas.services import (
    areas_by_code,
    children_of,
    import_cbs_csv,
    population_of,
    seed_utrecht,
)
from federation.hub.areas.utrecht import EXAMPLE_CSV, EXAMPLE_YEAR, SEED_SOURCE
from federation.hub.extensions import db
from federation.protocol.areas import AreaLevel
from wijknet.errors import InvalidInput, PermissionDenied

HERE = Path(__file__).parent
ANALYST = HubActor(user_id=2, token_id=None, role=HubRole.ANALYST, municipality=None, label="analyst")


def count_areas() -> int:
    return db.session.scalar(select(func.count()).select_from(ReferenceArea)) or 0


def test_seeding_utrecht_gives_the_municipality_and_its_ten_wijken_by_cbs_name(hub_app: Flask) -> None:
    with hub_app.app_context():
        seeded = seed_utrecht("tests")
        db.session.commit()
        wijken = children_of("GM0344")
        assert len(seeded.created) == 11 and len(wijken) == 10
        assert [w.short_name for w in wijken][:3] == ["West", "Noordwest", "Overvecht"]
        assert wijken[9].name == "Wijk 10 Vleuten-De Meern" and wijken[9].parent_code == "GM0344"
        assert all(w.population is None and w.source == SEED_SOURCE for w in wijken)  # no figure shipped as fact
        assert seed_utrecht("tests").created == []  # again: nothing new


def test_the_example_population_says_on_every_row_that_it_is_not_cbs_figures(hub_app: Flask) -> None:
    with hub_app.app_context():
        done = import_cbs_csv("tests", EXAMPLE_CSV.read_bytes(), year=EXAMPLE_YEAR)
        assert done.skipped == [] and done.imported == 23
        areas = list(db.session.scalars(select(ReferenceArea)))
        assert {a.source for a in areas} == {"voorbeeldcijfers, geen CBS-cijfers"}
        buurten = [a for a in areas if a.level == AreaLevel.BUURT]
        assert buurten and all(a.name.endswith("(voorbeeld)") for a in buurten)
        wijken = [a for a in areas if a.level == AreaLevel.WIJK]
        assert areas_by_code(["GM0344"])["GM0344"].population == sum(w.population for w in wijken)


def test_an_import_records_year_and_source_and_says_what_it_skipped(hub_app: Flask) -> None:
    with hub_app.app_context():
        seed_utrecht("tests")
        done = import_cbs_csv("tests", (HERE / "kwb_opendata.csv").read_bytes(), year=2024)
        db.session.commit()
        assert done.created == ["BU03440101", "BU03440102", "GM0363"]
        assert done.updated == ["GM0344", "WK034401"]
        assert done.without_population == ["BU03440101", "BU03440102"]
        assert [s.line for s in done.skipped] == [2, 7, 8, 10]
        west = db.session.get(ReferenceArea, "WK034401")
        assert (west.population, west.population_year) == (300, 2024)
        assert west.source == "CBS, Kerncijfers wijken en buurten 2024"
        assert west.name == "Wijk 01 West"  # the open-data file has the code only: the name stays
        assert db.session.get(ReferenceArea, "BU03440101").parent_code == "WK034401"


def test_one_municipality_only_and_seeding_after_an_import_keeps_its_population(hub_app: Flask) -> None:
    with hub_app.app_context():
        done = import_cbs_csv(
            "tests", (HERE / "kwb_statline.csv").read_bytes(), year=2023, source="CBS 85618NED", municipality="GM0344"
        )
        assert done.elsewhere == 0 and done.imported == 5
        seed_utrecht("tests")
        west = db.session.get(ReferenceArea, "WK034401")
        assert (west.name, west.population, west.source) == ("Wijk 01 West", 300, "CBS 85618NED")


def test_a_file_with_nothing_to_import_changes_nothing(hub_app: Flask) -> None:
    with hub_app.app_context():
        with pytest.raises(InvalidInput) as refused:
            import_cbs_csv("tests", (HERE / "kwb_opendata.csv").read_bytes(), year=2024, municipality="GM0599")
        assert "no municipality, wijk or buurt to import for GM0599" in refused.value.detail
        with pytest.raises(InvalidInput, match="Not a CBS key-figures file"):
            import_cbs_csv("tests", b"just;some\ntext;here\n", year=2024)
        with pytest.raises(InvalidInput) as bad_year:
            import_cbs_csv("tests", EXAMPLE_CSV.read_bytes(), year=24)
        assert bad_year.value.errors[0].field == "year"
        assert count_areas() == 0


def test_only_an_administrator_changes_reference_data(hub_app: Flask) -> None:
    with hub_app.app_context():
        with pytest.raises(PermissionDenied):
            seed_utrecht(ANALYST)
        with pytest.raises(PermissionDenied):
            import_cbs_csv(ANALYST, EXAMPLE_CSV.read_bytes(), year=2024)


def test_populations_add_up_only_when_every_part_is_known(hub_app: Flask) -> None:
    with hub_app.app_context():
        import_cbs_csv("tests", (HERE / "kwb_statline.csv").read_bytes(), year=2024)
        both = population_of(["WK034401", "WK034403"])
        assert both is not None and both.inhabitants == 1500 and both.years == (2024,)
        assert population_of(["WK034401", "BU03440101"]) is None  # "." in the file
        assert population_of(["WK034409"]) is None  # not imported at all
