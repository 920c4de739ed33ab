"""`/api/v1/areas` and `/api/v1/categories`: public reference data."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from federation.protocol.codelists import CATEGORIES
from node.areas.services import node_areas
from schemas.node.areas import AreaOut, CategoryOut
from wijknet.web.transaction import ApiView

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Areas and categories")


@blp.route("/areas")
class Areas(ApiView):
    @blp.response(200, AreaOut(many=True))
    @blp.doc(security=[])
    def get(self) -> Any:
        """The node's wijk and buurten (CBS codes)."""
        return node_areas()


@blp.route("/categories")
class Categories(ApiView):
    @blp.response(200, CategoryOut(many=True))
    @blp.doc(security=[])
    def get(self) -> Any:
        """The categories of help (the federation code list)."""
        return list(CATEGORIES)  # a tuple would be read by Flask as (body, status, headers)
