"""`/api/v1/settings` (administrators)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.settings.services import all_settings, update_settings
from schemas.node.admin import SettingsOut, SettingsPatch
from wijknet.web.transaction import ApiView

blp = Blueprint("settings", __name__, url_prefix="/api/v1/settings", description="The node's settings")


@blp.route("")
class Settings(ApiView):
    @blp.response(200, SettingsOut)
    def get(self) -> Any:
        return all_settings(require_actor())

    @blp.arguments(SettingsPatch)
    @blp.response(200, SettingsOut)
    def patch(self, changes: dict[str, Any]) -> Any:
        return update_settings(require_actor(), changes)
