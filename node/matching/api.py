"""`/api/v1/matches`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.actor import Actor
from node.accounts.auth import require_actor
from node.matching import services
from node.matching.models import Match
from schemas.common import page_of
from schemas.node.matching import MatchIn, MatchListArgs, MatchOut, MatchStatusIn
from wijknet.web.serialise import Annotated
from wijknet.web.transaction import ApiView

blp = Blueprint(
    "matches", __name__, url_prefix="/api/v1/matches", description="Matches between requests and volunteers"
)


def _with_contacts(actor: Actor, match: Match) -> Annotated:
    return Annotated(match, contacts=services.contact_details(actor, match))


@blp.route("")
class Matches(ApiView):
    @blp.arguments(MatchListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(MatchOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List matches: coordinators all, members those they are part of."""
        actor = require_actor()
        result = services.list_matches(actor, services.MatchFilter(**filters), page, page_size)
        result.items = [_with_contacts(actor, m) for m in result.items]
        return result

    @blp.arguments(MatchIn)
    @blp.response(201, MatchOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Propose a volunteer for a request (coordinators)."""
        actor = require_actor()
        return _with_contacts(actor, services.propose(actor, **data))


@blp.route("/<id:match_id>")
class MatchResource(ApiView):
    @blp.response(200, MatchOut)
    def get(self, match_id: int) -> Any:
        actor = require_actor()
        return _with_contacts(actor, services.get_match(actor, match_id))


@blp.route("/<id:match_id>/status")
class MatchStatusResource(ApiView):
    @blp.arguments(MatchStatusIn)
    @blp.response(200, MatchOut)
    @blp.alt_response(409, response="PROBLEM", description="The workflow does not allow this change")
    def put(self, data: dict[str, Any], match_id: int) -> Any:
        """`proposed → accepted | declined`, then `completed`; or `withdrawn`."""
        actor = require_actor()
        return _with_contacts(actor, services.change_status(actor, match_id, **data))
