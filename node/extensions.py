"""The node's Flask extensions, created unbound and bound in `create_app`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Date, Enum
from sqlalchemy.orm import DeclarativeBase, registry

from wijknet.web.database import ScaledDecimal, UTCDateTime, make_metadata


class NodeModel(DeclarativeBase):
    """Base of the node's tables (the hub has its own metadata)."""

    registry = registry(
        metadata=make_metadata(),
        type_annotation_map={datetime: UTCDateTime(), date: Date(), Decimal: ScaledDecimal(2)},
    )


def enum_column(enum_class: type[StrEnum]) -> Any:
    """A string column holding one of the enum's values (no native DB enum: easy to extend)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


db = SQLAlchemy(model_class=NodeModel)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
