"""How the city cooperative values an hour of volunteer work, from which day, and on whose figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from federation.hub.extensions import db
from wijknet.web.database import enum_column, utcnow


class ValuationMethod(StrEnum):
    # vervangingswaarde: what it would cost to have paid staff do the same work
    REPLACEMENT_COST = "replacement_cost"
    # marktprijs: what the same help would cost bought on the market
    MARKET_PRICE = "market_price"


class Valuation(db.Model):
    """A rate in euros per volunteer hour, valid from a day until the next valuation's day."""

    __tablename__ = "valuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[ValuationMethod] = mapped_column(enum_column(ValuationMethod))
    rate: Mapped[Decimal] = mapped_column("rate_cents")  # euros per hour
    source: Mapped[str] = mapped_column(String(300))  # whose figure the rate is, shown beside every euro
    source_url: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[date] = mapped_column(unique=True)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by: Mapped[str] = mapped_column(String(120))
