"""`/api/v1/audit-events` (administrators)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.audit.services import list_events
from schemas.common import page_of
from schemas.node.admin import AuditEventOut, AuditListArgs
from wijknet.web.transaction import ApiView

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-events", description="Who viewed or changed personal data")


@blp.route("")
class AuditEvents(ApiView):
    @blp.arguments(AuditListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(AuditEventOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        return list_events(require_actor(), page=page, page_size=page_size, **filters)
