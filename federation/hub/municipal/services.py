"""Making, keeping and finding municipal reports: a new revision only when the content changed.

Every revision's three files are signed by the hub with a detached JWS and
kept as signed; old revisions stay, so what a municipality once received can
always be shown and checked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from federation.hub.accounts.actor import HubActor
from federation.hub.accounts.permissions import municipality_scope, require_municipality_access
from federation.hub.config import HubSettings
from federation.hub.extensions import db
from federation.hub.municipal.content import build_content, report_period
from federation.hub.municipal.csv_format import render_csv
from federation.hub.municipal.document import ReportMeta, content_digest, render_json
from federation.hub.municipal.models import MunicipalReport
from federation.hub.municipal.pdf_format import render_pdf
from federation.hub.municipal.webhooks import queue_delivery
from federation.hub.registry.models import Node
from federation.hub.signing import hub_signer
from federation.protocol.areas import MUNICIPALITY_PATTERN
from federation.protocol.detached import sign_detached
from wijknet.errors import FieldError, InvalidInput, NotFound

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
SIGNATURE_MEDIA_TYPE = "application/jose"


@dataclass(frozen=True)
class Made:
    report: MunicipalReport
    new: bool  # False: the content was unchanged, the latest revision stands


def settings() -> HubSettings:
    return current_app.extensions["wijknet.settings"]


def latest_revision(municipality: str, period: str) -> MunicipalReport | None:
    return db.session.scalar(
        select(MunicipalReport)
        .where(MunicipalReport.municipality == municipality, MunicipalReport.period == period)
        .order_by(MunicipalReport.revision.desc())
        .limit(1)
    )


def last_made_at(municipalities: Iterable[str] | None) -> datetime | None:
    """When the newest report for these municipalities (None: any) was made: later revisions change what it said."""
    query = select(func.max(MunicipalReport.made_at))
    if municipalities is not None:
        query = query.where(MunicipalReport.municipality.in_(list(municipalities)))
    return db.session.scalar(query)


def make_report(municipality: str, period_text: str, now: datetime) -> Made:
    """Make the report from the current figures; a new revision when its content differs from the latest."""
    if not MUNICIPALITY_PATTERN.fullmatch(municipality or ""):
        raise InvalidInput("Not a municipality.", [FieldError("municipality", "A CBS code like GM0344.")])
    period = report_period(period_text)
    config = settings()
    content = build_content(
        municipality, period, min_count=config.min_count, deadline_day=config.report_deadline_day, now=now
    )
    digest = content_digest(content)
    latest = latest_revision(municipality, period.key)
    if latest is not None and latest.digest == digest:
        return Made(latest, False)
    signer = hub_signer()
    meta = ReportMeta(
        signer.hub_id, config.name, config.public_url, (latest.revision + 1) if latest else 1, now, digest
    )
    files = {
        "json": render_json(content, meta),
        "csv": render_csv(content, meta),
        "pdf": render_pdf(content, meta, config.name),
    }
    signatures = {name: sign_detached(data, signer.key) for name, data in files.items()}
    report = MunicipalReport(
        municipality=municipality,
        period=period.key,
        revision=meta.revision,
        made_at=now,
        digest=digest,
        kid=signer.key.public.kid,
        json_file=files["json"],
        json_signature=signatures["json"],
        csv_file=files["csv"],
        csv_signature=signatures["csv"],
        pdf_file=files["pdf"],
        pdf_signature=signatures["pdf"],
    )
    db.session.add(report)
    db.session.flush()
    queue_delivery(report, now)
    return Made(report, True)


def municipalities_with_nodes() -> list[str]:
    return sorted(db.session.scalars(select(Node.municipality).distinct()))


def list_reports(actor: HubActor, municipality: str | None = None, period: str | None = None) -> list[MunicipalReport]:
    """Every revision the actor may see, newest period first, then newest revision."""
    own = municipality_scope(actor)
    stmt = select(MunicipalReport)
    if own is not None:
        stmt = stmt.where(MunicipalReport.municipality == own)
    if municipality is not None:
        stmt = stmt.where(MunicipalReport.municipality == municipality)
    if period is not None:
        stmt = stmt.where(MunicipalReport.period == period)
    stmt = stmt.order_by(MunicipalReport.municipality, MunicipalReport.period.desc(), MunicipalReport.revision.desc())
    return list(db.session.scalars(stmt))


def get_report(actor: HubActor, report_id: int) -> MunicipalReport:
    """One revision; another municipality's is not found (its existence is not told)."""
    report = db.session.get(MunicipalReport, report_id)
    own = municipality_scope(actor)
    if report is None or (own is not None and report.municipality != own):
        raise NotFound(f"No report {report_id}.")
    require_municipality_access(actor, report.municipality)
    return report


def report_file(report: MunicipalReport, file_format: str) -> tuple[bytes, str]:
    """The file's bytes and media type."""
    if file_format not in MEDIA_TYPES:
        raise NotFound(f"No {file_format} file.")
    return getattr(report, f"{file_format}_file"), MEDIA_TYPES[file_format]


def report_signature(report: MunicipalReport, file_format: str) -> str:
    if file_format not in MEDIA_TYPES:
        raise NotFound(f"No {file_format} file.")
    return getattr(report, f"{file_format}_signature")


def file_sizes(report_ids: list[int]) -> dict[tuple[int, str], int]:
    """Per (report, format): the file's size in bytes, without loading the files."""
    if not report_ids:
        return {}
    r = MunicipalReport
    stmt = select(r.id, func.length(r.json_file), func.length(r.csv_file), func.length(r.pdf_file)).where(
        r.id.in_(report_ids)
    )
    sizes = {}
    for report_id, json_size, csv_size, pdf_size in db.session.execute(stmt):
        sizes.update({(report_id, "json"): json_size, (report_id, "csv"): csv_size, (report_id, "pdf"): pdf_size})
    return sizes
