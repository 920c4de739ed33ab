"""`wijknet hub municipal-report make|list`: the same service the scheduler runs, for an operator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from wijknet.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def last_json(result: Result) -> dict[str, Any]:
    return json.loads(result.output.strip().splitlines()[-1])


def test_make_and_list_a_report_from_the_command_line(tmp_path: Path) -> None:
    instance = tmp_path / "hub"
    assert run("hub", "init", "--instance", str(instance), "--hub-id", "samen030").exit_code == 0
    made = run("hub", "municipal-report", "make", "--instance", str(instance), "--municipality", "gm0344",
               "--period", "2026-10")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert {k: last_json(made)[k] for k in ("municipality", "period", "revision", "new")} == {
        "municipality": "GM0344", "period": "2026-10", "revision": 1, "new": True,
    }  # fmt: skip
    again = run("hub", "municipal-report", "make", "--instance", str(instance), "--municipality", "GM0344",
                "--period", "2026-10")  # fmt: skip
    assert last_json(again)["new"] is False and "have not changed" in again.output
    listed = last_json(run("hub", "municipal-report", "list", "--instance", str(instance)))["reports"]
    assert [(r["municipality"], r["period"], r["revision"]) for r in listed] == [("GM0344", "2026-10", 1)]

    bad = run("hub", "municipal-report", "make", "--instance", str(instance), "--municipality", "GM0344",
              "--period", "2026")  # fmt: skip
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "quarter" in bad.output
