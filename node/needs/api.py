"""`/api/v1/needs-analysis`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from federation.protocol.periods import period_of, shift_period
from node.accounts.auth import require_actor
from node.needs.services import needs_analysis
from schemas.node.needs import NeedsArgs, NeedsOut
from wijknet.web.database import utcnow
from wijknet.web.transaction import ApiView

blp = Blueprint("needs", __name__, url_prefix="/api/v1/needs-analysis", description="Demand against supply")

DEFAULT_MONTHS = 12


@blp.route("")
class NeedsAnalysis(ApiView):
    @blp.arguments(NeedsArgs, location="query", as_kwargs=True)
    @blp.response(200, NeedsOut)
    def get(self, period_from: str | None = None, period_to: str | None = None, **filters: Any) -> Any:
        """Per category and buurt: demand, open requests, waiting time, supply, volunteers and the gap."""
        period_to = period_to or period_of(utcnow())
        period_from = period_from or shift_period(period_to, 1 - DEFAULT_MONTHS)
        return needs_analysis(require_actor(), period_from, period_to, **filters)
