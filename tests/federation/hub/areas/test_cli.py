"""`wijknet hub areas ...`: seeding the demo city and importing a CBS file from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from federation.hub.app import create_app
from federation.hub.areas.models import ReferenceArea
from federation.hub.extensions import db
from wijknet.cli import main

HERE = Path(__file__).parent


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def instance(tmp_path: Path, empty_database_url: str) -> Path:
    folder = tmp_path / "hub"
    assert run("hub", "init", "--instance", str(folder), "--database-url", empty_database_url).exit_code == 0
    app = create_app(folder, {"scheduler": False})
    with app.app_context():
        db.create_all()  # the reference table is not in a migration yet (the lead writes one for the hub's new tables)
        db.engine.dispose()
    return folder


def stored(instance: Path) -> dict[str, ReferenceArea]:
    app = create_app(instance, {"scheduler": False})
    with app.app_context():
        found = {a.code: a for a in db.session.scalars(select(ReferenceArea))}
        db.session.expunge_all()
        db.session.remove()
        db.engine.dispose()
        return found


def test_seed_utrecht_with_the_example_population(instance: Path) -> None:
    done = run("hub", "areas", "seed-utrecht", "--instance", str(instance), "--example-population")
    assert done.exit_code == 0, done.output
    assert "example figures, not CBS figures" in done.output
    answer = last_json(done)
    assert len(answer["created"]) == 11 and len(answer["example_population"]) == 23
    areas = stored(instance)
    assert areas["WK034406"].name == "Wijk 06 Binnenstad" and areas["WK034406"].population is not None


def test_import_lists_skipped_lines_with_their_reasons(instance: Path) -> None:
    done = run("hub", "areas", "import", "--instance", str(instance), "--csv", str(HERE / "kwb_opendata.csv"),
               "--year", "2024")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "skipped line 8 (WK034403): population '12,5' is not a whole number" in done.output
    answer = last_json(done)
    assert answer["year"] == 2024 and len(answer["skipped"]) == 4 and answer["created"][0] == "GM0344"
    assert stored(instance)["GM0344"].population == 700


def test_a_refused_import_says_why_and_writes_nothing(instance: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name;value\nfoo;1\n")
    done = run("hub", "areas", "import", "--instance", str(instance), "--csv", str(other), "--year", "2024")
    assert done.exit_code == 1 and "Not a CBS key-figures file" in done.output and "Traceback" not in done.output
    elsewhere = run("hub", "areas", "import", "--instance", str(instance), "--csv", str(HERE / "kwb_opendata.csv"),
                    "--year", "2024", "--municipality", "GM0599")  # fmt: skip
    assert elsewhere.exit_code == 1 and "line 2: NL00 is not a municipality" in elsewhere.output
    assert stored(instance) == {}
