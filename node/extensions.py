"""The node's Flask extensions, created unbound and bound in `create_app`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Date
from sqlalchemy.orm import DeclarativeBase, registry

from wijknet.web.database import ScaledDecimal, UTCDateTime, enum_column, make_metadata

__all__ = ["csrf", "db", "enum_column", "login_manager", "migrate"]


class NodeModel(DeclarativeBase):
    """Base of the node's tables (the hub has its own metadata)."""

    registry = registry(
        metadata=make_metadata(),
        type_annotation_map={datetime: UTCDateTime(), date: Date(), Decimal: ScaledDecimal(2)},
    )


db = SQLAlchemy(model_class=NodeModel)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
