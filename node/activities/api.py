"""`/api/v1/activities`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.activities import services
from schemas.common import page_of
from schemas.node.activities import ActivityIn, ActivityListArgs, ActivityOut, ActivityPatch
from wijknet.web.transaction import ApiView

blp = Blueprint("activities", __name__, url_prefix="/api/v1/activities", description="Activities (ontmoeting)")


@blp.route("")
class Activities(ApiView):
    @blp.arguments(ActivityListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(ActivityOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        return services.list_activities(require_actor(), services.ActivityFilter(**filters), page, page_size)

    @blp.arguments(ActivityIn)
    @blp.response(201, ActivityOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Record an activity and how many took part (coordinators)."""
        return services.create_activity(require_actor(), data)


@blp.route("/<id:activity_id>")
class ActivityResource(ApiView):
    @blp.response(200, ActivityOut)
    def get(self, activity_id: int) -> Any:
        return services.get_activity(require_actor(), activity_id)

    @blp.arguments(ActivityPatch)
    @blp.response(200, ActivityOut)
    def patch(self, changes: dict[str, Any], activity_id: int) -> Any:
        return services.update_activity(require_actor(), activity_id, changes)

    @blp.response(204)
    def delete(self, activity_id: int) -> None:
        services.delete_activity(require_actor(), activity_id)
