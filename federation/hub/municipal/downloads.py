"""A report's file or signature as a download, the same for the pages and the API."""

from __future__ import annotations

from flask import Response

from federation.hub.municipal.document import file_name
from federation.hub.municipal.models import MunicipalReport
from federation.hub.municipal.services import SIGNATURE_MEDIA_TYPE, report_file, report_signature


def file_download(report: MunicipalReport, file_format: str) -> Response:
    data, media_type = report_file(report, file_format)
    return _attachment(data, media_type, file_name(report.municipality, report.period, report.revision, file_format))


def signature_download(report: MunicipalReport, file_format: str) -> Response:
    """The detached JWS over the file (`header..signature`), named after it with `.jws` added."""
    signature = report_signature(report, file_format)
    name = file_name(report.municipality, report.period, report.revision, file_format) + ".jws"
    return _attachment(signature.encode("ascii"), SIGNATURE_MEDIA_TYPE, name)


def _attachment(data: bytes, media_type: str, name: str) -> Response:
    response = Response(data, mimetype=media_type.split(";")[0])
    if "charset" in media_type:
        response.content_type = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
