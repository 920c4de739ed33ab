"""`/api/v1/me`: who the calling token is, so that a municipality's system can check its set-up."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from federation.hub.accounts.auth import api_actor
from federation.hub.accounts.schemas import MeOut
from federation.hub.accounts.tokens import own_token
from wijknet.web.transaction import ApiView

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The calling token")


@blp.route("")
class Me(ApiView):
    @blp.response(200, MeOut)
    def get(self) -> Any:
        """The token's name, role and the municipality it is limited to."""
        return own_token(api_actor())
