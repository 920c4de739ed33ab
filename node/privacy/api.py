"""`/api/v1/members/{id}/export` and `/api/v1/members/{id}/erasure`."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.privacy.services import erase_member, export_member_data
from schemas.node.privacy import ErasureIn, ErasureOut
from wijknet.errors import FieldError, InvalidInput
from wijknet.output import json_default
from wijknet.web.transaction import ApiView

blp = Blueprint("privacy", __name__, url_prefix="/api/v1/members", description="GDPR: export and erasure")


@blp.route("/<id:member_id>/export")
class MemberExport(ApiView):
    @blp.response(200, content_type="application/json", description="Everything the node holds about the member")
    def get(self, member_id: int) -> Response:
        """Download one's data as JSON (the member, coordinators and administrators)."""
        data = export_member_data(require_actor(), member_id)
        response = Response(
            json.dumps(data, indent=2, ensure_ascii=False, default=json_default), mimetype="application/json"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="wijknet-export-member-{member_id}.json"'
        return response


@blp.route("/<id:member_id>/erasure")
class MemberErasure(ApiView):
    @blp.arguments(ErasureIn)
    @blp.response(200, ErasureOut)
    def post(self, data: dict[str, Any], member_id: int) -> Any:
        """Erase the member's personal data; the anonymous history stays (the member or an administrator)."""
        if not data["confirm"]:
            raise InvalidInput(
                "Erasure cannot be undone; send confirm: true.", [FieldError("confirm", "Must be true.")]
            )
        return erase_member(require_actor(), member_id)
