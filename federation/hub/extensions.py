"""The hub's Flask extensions, created unbound and bound in `create_app`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date
from sqlalchemy.orm import DeclarativeBase, registry

from wijknet.web.database import ScaledDecimal, UTCDateTime, make_metadata


class HubModel(DeclarativeBase):
    """Base of the hub's tables (the node has its own metadata)."""

    registry = registry(
        metadata=make_metadata(),
        type_annotation_map={datetime: UTCDateTime(), date: Date(), Decimal: ScaledDecimal(2)},
    )


db = SQLAlchemy(model_class=HubModel)
migrate = Migrate()
