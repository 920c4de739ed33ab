"""`/api/v1/help-requests` and `/api/v1/help-offers`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.help import offers, requests
from node.matching.suggestions import suggest_volunteers
from schemas.common import page_of
from schemas.node.help import (
    HelpOfferIn,
    HelpOfferListArgs,
    HelpOfferOut,
    HelpOfferPatch,
    HelpRequestIn,
    HelpRequestListArgs,
    HelpRequestOut,
    HelpRequestPatch,
    RequestStatusIn,
    SuggestionArgs,
    SuggestionOut,
)
from wijknet.web.transaction import ApiView

requests_blp = Blueprint(
    "help_requests", __name__, url_prefix="/api/v1/help-requests", description="Help requests (hulpvragen)"
)
offers_blp = Blueprint(
    "help_offers", __name__, url_prefix="/api/v1/help-offers", description="Help offers (hulpaanbod)"
)


@requests_blp.route("")
class HelpRequests(ApiView):
    @requests_blp.arguments(HelpRequestListArgs, location="query", as_kwargs=True)
    @requests_blp.response(200, page_of(HelpRequestOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List requests: coordinators all (`sort=waiting` for the inbox), members their own."""
        return requests.list_requests(require_actor(), requests.RequestFilter(**filters), page, page_size)

    @requests_blp.arguments(HelpRequestIn)
    @requests_blp.response(201, HelpRequestOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Ask for help: for oneself, or (coordinators) on a member's behalf."""
        return requests.create_request(require_actor(), data)


@requests_blp.route("/<id:request_id>")
class HelpRequestResource(ApiView):
    @requests_blp.response(200, HelpRequestOut)
    def get(self, request_id: int) -> Any:
        """One request (the requester, volunteers on it, coordinators)."""
        return requests.get_request(require_actor(), request_id)

    @requests_blp.arguments(HelpRequestPatch)
    @requests_blp.response(200, HelpRequestOut)
    def patch(self, changes: dict[str, Any], request_id: int) -> Any:
        """Change what is asked, while the request is not closed."""
        return requests.update_request(require_actor(), request_id, changes)


@requests_blp.route("/<id:request_id>/status")
class HelpRequestStatus(ApiView):
    @requests_blp.arguments(RequestStatusIn)
    @requests_blp.response(200, HelpRequestOut)
    @requests_blp.alt_response(409, response="PROBLEM", description="The workflow does not allow this change")
    def put(self, data: dict[str, Any], request_id: int) -> Any:
        """Move the request along `open → matched → in_progress → done`, or cancel or refer it."""
        return requests.change_status(require_actor(), request_id, **data)


@requests_blp.route("/<id:request_id>/suggestions")
class HelpRequestSuggestions(ApiView):
    @requests_blp.arguments(SuggestionArgs, location="query", as_kwargs=True)
    @requests_blp.response(200, SuggestionOut(many=True))
    def get(self, request_id: int, limit: int) -> Any:
        """Volunteers ranked for this request, each with the reasons for their place (coordinators)."""
        return suggest_volunteers(require_actor(), request_id, limit)


@offers_blp.route("")
class HelpOffers(ApiView):
    @offers_blp.arguments(HelpOfferListArgs, location="query", as_kwargs=True)
    @offers_blp.response(200, page_of(HelpOfferOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List offers: coordinators all, volunteers their own."""
        return offers.list_offers(require_actor(), offers.OfferFilter(**filters), page, page_size)

    @offers_blp.arguments(HelpOfferIn)
    @offers_blp.response(201, HelpOfferOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Offer help (the member becomes a volunteer)."""
        return offers.create_offer(require_actor(), data)


@offers_blp.route("/<id:offer_id>")
class HelpOfferResource(ApiView):
    @offers_blp.response(200, HelpOfferOut)
    def get(self, offer_id: int) -> Any:
        return offers.get_offer(require_actor(), offer_id)

    @offers_blp.arguments(HelpOfferPatch)
    @offers_blp.response(200, HelpOfferOut)
    def patch(self, changes: dict[str, Any], offer_id: int) -> Any:
        """Change an offer; `status` pauses, resumes or ends it."""
        return offers.update_offer(require_actor(), offer_id, changes)
