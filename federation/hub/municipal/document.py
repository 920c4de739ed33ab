"""The report's fixed parts: its content digest, the JSON file, and the Dutch texts every format shares.

Reports are written in Dutch whoever makes them (a scheduled job has no
reader), so the texts are taken from the catalogue under `force_locale`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _

from federation.hub.municipal.content import ReportContent
from federation.hub.municipal.schemas import ContentOut, MunicipalReportDocument
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_BY_CODE, METRIC_BY_CODE
from federation.protocol.detached import MUNICIPAL_REPORT_TYP
from federation.protocol.encoding import b64url_encode
from federation.protocol.periods import AMSTERDAM, parse_period

REPORT_LANGUAGE = "nl"
DISCOVERY_PATH = "/.well-known/wijknet"
DOCUMENT_HEAD = ("schema", "hub", "municipality", "period", "revision", "made_at", "content_digest")


@dataclass(frozen=True)
class ReportMeta:
    """What a revision adds to the content: who made it, when, which revision."""

    hub_id: str
    hub_name: str
    hub_url: str | None  # the hub's public address, when configured
    revision: int
    made_at: datetime
    digest: str

    @property
    def discovery(self) -> str:
        return (self.hub_url or "").rstrip("/") + DISCOVERY_PATH


def content_digest(content: ReportContent) -> str:
    """`sha-256=<base64url>` over the content as JSON with sorted keys: equal figures, equal digest."""
    data = json.dumps(ContentOut().dump(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha-256=" + b64url_encode(hashlib.sha256(data.encode("utf-8")).digest())


def explanations(content: ReportContent, meta: ReportMeta) -> dict[str, str]:
    """How to read the figures and check the files, in the report's language."""
    with force_locale(REPORT_LANGUAGE):
        return {
            "disclosure": _(
                "Counts of people below %(min_count)s are not published: each cooperative withholds such a small "
                "figure before sending it (suppression), so that nobody can be recognised. A withheld figure is "
                "not zero, and a total that includes one is a lower bound.",
                min_count=content.min_count,
            ),
            "lower_bound": _(
                "“≥ 120” means: at least 120, perhaps more. A total is a lower bound when a cooperative withheld "
                "a small count, when a cooperative's report for a month has not come in, or when it is the "
                "largest month of a count of people, which cannot be added over months. A figure without “≥” is "
                "exact; “—” means there is no figure."
            ),
            "social_value": _(
                "Social value: volunteer hours times the rate the city cooperative set, with the method, rate "
                "and source beside the amount. Paid hours are not valued this way. Months without a rate are "
                "left out of the amount, which is then a lower bound."
            ),
            "signature": _(
                "The hub signed this file with a detached JWS (RFC 7515 appendix F, typ %(typ)s), in the file "
                "of the same name ending in .jws. Check it with the hub's public key (jwks) at %(discovery)s: "
                "a file changed by a single byte fails the check.",
                typ=MUNICIPAL_REPORT_TYP,
                discovery=meta.discovery,
            ),
        }


def render_json(content: ReportContent, meta: ReportMeta) -> bytes:
    """The JSON file (`wijknet-municipal-report/1`), UTF-8."""
    dumped: dict[str, Any] = MunicipalReportDocument().dump(_Document(content, meta, explanations(content, meta)))
    # What the file is, and which revision, first: a reader opening it sees that before the figures.
    document = {key: dumped.pop(key) for key in DOCUMENT_HEAD} | dumped
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class _Document:
    """The content's attributes with the revision's, as the document schema reads them."""

    def __init__(self, content: ReportContent, meta: ReportMeta, texts: dict[str, str]) -> None:
        self._content = content
        self.hub = {"hub_id": meta.hub_id, "name": meta.hub_name, "discovery": meta.discovery}
        self.revision = meta.revision
        self.made_at = meta.made_at
        self.content_digest = meta.digest
        self.explanations = texts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._content, name)


def period_label(period: str) -> str:
    """ "oktober 2026" or "4e kwartaal 2026"."""
    with force_locale(REPORT_LANGUAGE):
        if "-Q" in period:
            year, quarter = period.split("-Q")
            return _("quarter %(quarter)s of %(year)s", quarter=quarter, year=year)
        return month_label(period)


def month_label(period: str, pattern: str = "MMMM yyyy") -> str:
    year, month = parse_period(period)
    return format_date(date(year, month, 1), pattern, locale=REPORT_LANGUAGE)


def moment_label(moment: datetime) -> str:
    """ "12 november 2026 02:00" in Amsterdam time."""
    return format_datetime(moment, "d MMMM yyyy HH:mm", tzinfo=AMSTERDAM, locale=REPORT_LANGUAGE)


def category_label(code: str) -> str:
    with force_locale(REPORT_LANGUAGE):
        return _("All categories") if code == ALL_CATEGORIES else CATEGORY_BY_CODE[code].label(REPORT_LANGUAGE)


def metric_label(code: str) -> str:
    return METRIC_BY_CODE[code].label(REPORT_LANGUAGE)


def file_name(municipality: str, period: str, revision: int, extension: str) -> str:
    """`rapportage-GM0344-2026-10-v2.pdf`."""
    return f"rapportage-{municipality}-{period}-v{revision}.{extension}"
