"""`/api/v1/api-tokens`: bearer tokens for other systems and apps (administrators)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts import services
from node.accounts.auth import require_actor
from schemas.node.admin import ApiTokenIn, ApiTokenOut, NewApiTokenOut
from wijknet.web.serialise import Annotated
from wijknet.web.transaction import ApiView

blp = Blueprint("api_tokens", __name__, url_prefix="/api/v1/api-tokens", description="API tokens")


@blp.route("")
class ApiTokens(ApiView):
    @blp.response(200, ApiTokenOut(many=True))
    def get(self) -> Any:
        return services.list_tokens(require_actor())

    @blp.arguments(ApiTokenIn)
    @blp.response(201, NewApiTokenOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Make a token; its value is in this answer only."""
        raw, token = services.create_token(require_actor(), **data)
        return Annotated(token, token=raw)


@blp.route("/<id:token_id>")
class ApiTokenResource(ApiView):
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke a token."""
        services.revoke_token(require_actor(), token_id)
