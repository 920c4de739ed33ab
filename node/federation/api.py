"""`/api/v1/federation`: the link to the hub, the outbox, and sending a refused message again (administrators)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.federation.models import OutboxState
from node.federation.status import federation_status, list_outbox, outbox_view, retry_failed
from schemas.common import page_of
from schemas.node.federation import FederationStatusOut, OutboxItemOut, OutboxListArgs
from wijknet.web.pagination import Page
from wijknet.web.transaction import ApiView

blp = Blueprint("federation", __name__, url_prefix="/api/v1/federation", description="Reporting to the city hub")


@blp.route("")
class FederationStatus(ApiView):
    @blp.response(200, FederationStatusOut)
    def get(self) -> Any:
        """Enrollment, deliveries, receipts, failures and the next attempt."""
        return federation_status(require_actor())


@blp.route("/outbox")
class Outbox(ApiView):
    @blp.arguments(OutboxListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(OutboxItemOut))
    def get(self, page: int, page_size: int, state: str | None = None) -> Any:
        """Every signed message, newest first; `state=failed` for what the hub refused."""
        found = list_outbox(require_actor(), OutboxState(state) if state else None, page, page_size)
        return Page([outbox_view(item) for item in found.items], found.page, found.page_size, found.total)


@blp.route("/outbox/<id:item_id>/retry")
class OutboxRetry(ApiView):
    @blp.response(200, OutboxItemOut)
    def post(self, item_id: int) -> Any:
        """Send a refused message again, once what the hub objected to is put right."""
        return outbox_view(retry_failed(require_actor(), item_id))
