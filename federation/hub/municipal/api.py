"""`/api/v1/municipal-reports`: the municipality's systems list their reports and fetch the signed files."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint

from federation.hub.accounts.auth import api_actor
from federation.hub.municipal import services
from federation.hub.municipal.downloads import file_download, signature_download
from federation.hub.municipal.models import MunicipalReport
from federation.hub.municipal.schemas import FORMATS, MunicipalReportOut, ReportListArgs, ReportListOut
from wijknet.web.transaction import ApiView, commits

blp = Blueprint(
    "municipal_reports_api",
    __name__,
    url_prefix="/api/v1/municipal-reports",
    description=(
        "Signed reports for the municipality, every revision kept. Each file has a detached JWS signature "
        "(typ wijknet-municipal-report+jws); check it with the hub's key from /.well-known/wijknet."
    ),
)
FILE_RESPONSES = {
    "200": {
        "description": "The file (JSON, CSV or PDF)",
        "content": {"application/json": {}, "text/csv": {}, "application/pdf": {}},
    },
    "404": {"$ref": "#/components/responses/PROBLEM"},
}
SIGNATURE_RESPONSES = {
    "200": {"description": "The detached compact JWS (`header..signature`)", "content": {"application/jose": {}}},
    "404": {"$ref": "#/components/responses/PROBLEM"},
}


def report_out(report: MunicipalReport, sizes: dict[tuple[int, str], int]) -> dict[str, Any]:
    files = [
        {
            "format": fmt,
            "media_type": services.MEDIA_TYPES[fmt],
            "size": sizes.get((report.id, fmt), 0),
            "url": url_for("municipal_reports_api.report_file", report_id=report.id, file_format=fmt),
            "signature_url": url_for("municipal_reports_api.report_signature", report_id=report.id, file_format=fmt),
        }
        for fmt in FORMATS
    ]
    return {
        "id": report.id,
        "municipality": report.municipality,
        "period": report.period,
        "revision": report.revision,
        "made_at": report.made_at,
        "digest": report.digest,
        "kid": report.kid,
        "files": files,
    }


@blp.route("")
class Reports(ApiView):
    @blp.arguments(ReportListArgs, location="query")
    @blp.response(200, ReportListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """Every revision of the reports this token may see (a municipality's token: its own), newest first."""
        reports = services.list_reports(api_actor(), args.get("municipality"), args.get("period"))
        sizes = services.file_sizes([r.id for r in reports])
        return {"reports": [report_out(r, sizes) for r in reports]}


@blp.route("/<id:report_id>")
class Report(ApiView):
    @blp.response(200, MunicipalReportOut)
    @blp.alt_response(404, response="PROBLEM")
    def get(self, report_id: int) -> Any:
        """One revision's metadata, with links to its files and signatures."""
        report = services.get_report(api_actor(), report_id)
        return report_out(report, services.file_sizes([report.id]))


@blp.route("/<id:report_id>/files/<any(json, csv, pdf):file_format>", endpoint="report_file")
@blp.doc(responses=FILE_RESPONSES)
@commits
def report_file(report_id: int, file_format: str) -> Response:
    """The file, byte for byte as the hub signed it."""
    return file_download(services.get_report(api_actor(), report_id), file_format)


@blp.route("/<id:report_id>/files/<any(json, csv, pdf):file_format>/signature", endpoint="report_signature")
@blp.doc(responses=SIGNATURE_RESPONSES)
@commits
def report_signature(report_id: int, file_format: str) -> Response:
    """The hub's detached JWS over the file."""
    return signature_download(services.get_report(api_actor(), report_id), file_format)
