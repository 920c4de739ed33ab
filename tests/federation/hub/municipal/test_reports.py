"""Making reports: content from the dashboards' figures, lower bounds in every format, signatures, revisions."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader

from federation.hub.accounts.actor import HubActor
from federation.hub.municipal.services import list_reports, make_report
from federation.protocol.detached import verify_detached
from federation.protocol.jws import JwsError
from federation.protocol.keys import PublicKey
from tests.federation.hub.dashboards.conftest import NOW, HubData
from tests.federation.hub.municipal.conftest import PERIOD, make, october
from wijknet.errors import InvalidInput


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_json_report_carries_the_dashboards_figures_with_lower_bounds(city: HubData) -> None:
    report = json.loads(make(city.app)["json"])

    assert report["schema"] == "wijknet-municipal-report/1"
    assert report["municipality"] == {"code": "GM0344", "name": "Utrecht"}
    assert (report["period"]["key"], report["revision"]) == (PERIOD, 1)
    assert report["disclosure"] == {"min_count": 5, "method": "suppress"}
    figures = {(i["wijk"], i["category"], i["metric"]): i["figure"] for i in report["indicators"]}
    assert figures[("WK034402", "_all", "requests_new")]["text"] == "40"
    garden = figures[("WK034402", "garden", "requests_new")]
    assert (garden["value"], garden["lower_bound"], garden["text"]) == (0, True, "≥ 0")
    assert {i["wijk"] for i in report["indicators"]} == {"WK034402", "WK034404"}  # not the other municipality's
    assert report["completeness"][0]["months"][0]["state"] == "on_time"
    hours = report["social_value"]
    assert hours["euros"]["lower_bound"] is True  # Overvecht withheld its hours
    assert hours["parts"][0]["rate_eur_per_hour"] == 15.5 and hours["parts"][0]["source"] == "Movisie (test)"
    trend = {t["metric"]: t["points"] for t in report["trends"]}["requests_new"]
    assert len(trend) == 12 and trend[-2]["figure"]["value"] == 35
    assert "≥ 120" in report["explanations"]["lower_bound"] and "5" in report["explanations"]["disclosure"]


def test_the_csv_has_one_row_per_wijk_category_and_metric_with_the_bound_twice(city: HubData) -> None:
    data = make(city.app)["csv"]

    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    garden = next(r for r in rows if r["wijk"] == "WK034402" and r["category"] == "garden")
    assert (garden["value"], garden["lower_bound"], garden["metric_label"]) == ("≥ 0", "true", "Nieuwe hulpvragen")
    shopping = next(r for r in rows if r["category"] == "shopping" and r["metric"] == "requests_new")
    assert (shopping["value"], shopping["lower_bound"]) == ("12", "false")
    hours = next(
        r for r in rows if r["wijk"] == "WK034402" and r["category"] == "_all" and r["metric"] == "volunteer_hours"
    )
    assert hours["value"] == "131,5"  # Dutch decimals
    assert len({(r["wijk"], r["category"], r["metric"]) for r in rows}) == len(rows)


def test_the_pdf_is_dutch_with_lower_bounds_pages_and_the_signature_note(city: HubData) -> None:
    data = make(city.app)["pdf"]

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in (
        "Rapportage aan de gemeente",
        "Utrecht (GM0344)",
        "oktober 2026",
        "≥ 0",
        "Zo leest u de cijfers",
        "Aantallen mensen onder de 5",
        "Volledigheid van de rapportages",
        "€ 15,50 per uur",
        "Movisie (test)",
        "/.well-known/wijknet",
        "Pagina 1 van",
    ):
        assert expected in text, expected


def test_each_file_verifies_with_the_key_from_discovery_and_a_changed_byte_fails(city: HubData) -> None:
    made = make(city.app)
    jwks = city.app.test_client().get("/.well-known/wijknet").get_json()["jwks"]
    keys = {jwk["kid"]: PublicKey.from_jwk(jwk) for jwk in jwks["keys"]}

    for fmt in ("json", "csv", "pdf"):
        assert verify_detached(made["signatures"][fmt], made[fmt], keys) in keys
        changed = bytearray(made[fmt])
        changed[len(changed) // 2] ^= 0x01
        with pytest.raises(JwsError) as caught:
            verify_detached(made["signatures"][fmt], bytes(changed), keys)
        assert caught.value.code == "bad_signature"


def test_a_new_revision_only_when_late_figures_change_the_content(city: HubData) -> None:
    first = make(city.app)
    again = make(city.app, now=NOW + timedelta(days=1))
    assert (again["new"], again["revision"], again["id"]) == (False, 1, first["id"])

    city.report("zuilen", PERIOD, october(node_hours=140), received_at=NOW + timedelta(days=2))
    revised = make(city.app, now=NOW + timedelta(days=3))

    assert (revised["new"], revised["revision"]) == (True, 2)
    assert json.loads(revised["json"])["content_digest"] != json.loads(first["json"])["content_digest"]
    with city.app.app_context():
        kept = [(r.period, r.revision) for r in list_reports(HubActor.system("tests"), "GM0344")]
    assert kept == [(PERIOD, 2), (PERIOD, 1)]


def test_reports_are_made_for_a_month_or_a_quarter(city: HubData) -> None:
    quarter = json.loads(make(city.app, period="2026-Q4")["json"])
    assert quarter["period"] == {"key": "2026-Q4", "kind": "quarter", "months": ["2026-10", "2026-11", "2026-12"]}
    with city.app.app_context(), pytest.raises(InvalidInput):
        make_report("GM0344", "2026", NOW)
