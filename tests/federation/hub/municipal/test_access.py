"""Who sees which reports: a municipality its own, on the pages and the API; the city cooperative every one."""

from __future__ import annotations

import pytest

from federation.hub.accounts.actor import HubRole
from tests.federation.hub.accounts.people import add_token, logged_in_client
from tests.federation.hub.dashboards.conftest import HubData
from tests.federation.hub.municipal.conftest import make


@pytest.fixture
def reports(city: HubData) -> dict[str, int]:
    return {"GM0344": make(city.app)["id"], "GM0363": make(city.app, "GM0363")["id"]}


def test_a_municipality_sees_its_own_reports_on_the_page(city: HubData, reports: dict[str, int]) -> None:
    client = logged_in_client(city.app, "municipality")  # GM0344

    page = client.get("/reports").get_data(as_text=True)
    assert f"/reports/{reports['GM0344']}/pdf" in page and f"/reports/{reports['GM0363']}/pdf" not in page
    assert "Rapportages aan de gemeente" in page
    download = client.get(f"/reports/{reports['GM0344']}/pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "rapportage-GM0344-2026-10-v1.pdf" in download.headers["Content-Disposition"]
    signature = client.get(f"/reports/{reports['GM0344']}/pdf.jws")
    assert signature.mimetype == "application/jose" and signature.data.count(b".") == 2
    assert client.get(f"/reports/{reports['GM0363']}/pdf").status_code == 404
    assert client.get("/reports/webhooks").status_code == 403


def test_an_analyst_sees_every_municipality(city: HubData, reports: dict[str, int]) -> None:
    page = logged_in_client(city.app, "analyst").get("/reports").get_data(as_text=True)
    assert f"/reports/{reports['GM0344']}/csv" in page and f"/reports/{reports['GM0363']}/csv" in page


def test_a_municipality_token_lists_and_fetches_only_its_own(city: HubData, reports: dict[str, int]) -> None:
    raw, _ = add_token(city.app, HubRole.MUNICIPALITY, "GM0344")
    client = city.app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}

    listed = client.get("/api/v1/municipal-reports", headers=headers).get_json()["reports"]
    assert [(r["municipality"], r["period"], r["revision"]) for r in listed] == [("GM0344", "2026-10", 1)]
    files = {f["format"]: f for f in listed[0]["files"]}
    assert set(files) == {"json", "csv", "pdf"}
    body = client.get(files["json"]["url"], headers=headers)
    assert body.status_code == 200 and body.get_json()["schema"] == "wijknet-municipal-report/1"
    assert len(body.data) == files["json"]["size"]
    signature = client.get(files["json"]["signature_url"], headers=headers)
    assert signature.status_code == 200 and signature.mimetype == "application/jose"
    meta = client.get(f"/api/v1/municipal-reports/{reports['GM0344']}", headers=headers).get_json()
    assert meta["content_digest"].startswith("sha-256=")

    for path in (
        f"/api/v1/municipal-reports/{reports['GM0363']}",
        f"/api/v1/municipal-reports/{reports['GM0363']}/files/pdf",
    ):
        other = client.get(path, headers=headers)
        assert other.status_code == 404 and other.mimetype == "application/problem+json"
        assert other.get_json()["code"] == "not_found"


def test_the_api_needs_a_token(city: HubData, reports: dict[str, int]) -> None:
    answer = city.app.test_client().get("/api/v1/municipal-reports")
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
