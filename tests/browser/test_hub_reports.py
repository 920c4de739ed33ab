"""A municipality's user logs in, opens /reports and downloads the signed PDF (real Chromium, real HTTP)."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import Page
from pypdf import PdfReader

from federation.hub.extensions import db
from federation.hub.municipal.services import make_report
from tests.browser.conftest import LiveHub
from tests.federation.hub.dashboards.conftest import NOW


def test_a_municipality_downloads_its_report_as_pdf(live_hub: LiveHub, page: Page) -> None:
    with live_hub.app.app_context():
        make_report("GM0344", "2026-10", NOW)
        db.session.commit()

    live_hub.log_in(page, "municipality")
    page.goto(f"{live_hub.url}/reports")
    assert "Rapportages aan de gemeente" in page.content()
    with page.expect_download() as waiting:
        page.get_by_role("link", name="PDF").first.click()
    download = waiting.value
    content = Path(download.path()).read_bytes()

    assert download.suggested_filename == "rapportage-GM0344-2026-10-v1.pdf"
    assert content.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Rapportage aan de gemeente" in text and "GM0344" in text and "≥" in text
