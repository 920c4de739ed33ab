"""Reading and changing the valuation of volunteer hours; every euro figure names the valuation it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.permissions import require_role
from federation.hub.extensions import db
from federation.hub.settings.models import Valuation, ValuationMethod
from federation.protocol.periods import next_period, parse_period
from wijknet.errors import FieldError, InvalidInput, NotFound

MAX_RATE = Decimal(1000)  # euros per hour; above it a typing error is likelier than a rate


@dataclass(frozen=True)
class ValuationTerms:
    """What a euro figure was computed with, to print beside it."""

    method: ValuationMethod
    rate: Decimal  # euros per hour
    source: str
    source_url: str | None
    valid_from: date

    @classmethod
    def of(cls, valuation: Valuation) -> ValuationTerms:
        return cls(valuation.method, valuation.rate, valuation.source, valuation.source_url, valuation.valid_from)


def valuations() -> list[ValuationTerms]:
    """Every valuation set, the newest first (what a funder may see beside the euros)."""
    stmt = select(Valuation).order_by(Valuation.valid_from.desc())
    return [ValuationTerms.of(v) for v in db.session.scalars(stmt)]


def last_day(period: str) -> date:
    year, month = parse_period(next_period(period))
    return date(year, month, 1) - timedelta(days=1)


def valuation_for_month(period: str, terms: list[ValuationTerms] | None = None) -> ValuationTerms | None:
    """The valuation in force on the month's last day: one set during a month values that month."""
    terms = valuations() if terms is None else terms
    end = last_day(period)
    return next((t for t in terms if t.valid_from <= end), None)


def set_valuation(
    actor: HubActor,
    *,
    method: str,
    rate: Decimal | str,
    source: str,
    source_url: str | None,
    valid_from: date,
    now: datetime,
) -> ValuationTerms:
    """Value volunteer hours from `valid_from` on (administrators); a valuation of the same day is replaced."""
    require_role(actor, HubRole.ADMIN)
    errors = []
    try:
        chosen = ValuationMethod(method)
    except ValueError:
        chosen = None
        errors.append(FieldError("method", "Replacement cost or market price."))
    try:
        euros = Decimal(str(rate).strip().replace(",", "."))
    except InvalidOperation:
        euros = None
    if euros is None or not euros.is_finite() or not 0 < euros <= MAX_RATE or euros != euros.quantize(Decimal("0.01")):
        errors.append(FieldError("rate", f"Euros per hour, above 0 and at most {MAX_RATE}, in cents at most."))
    source = (source or "").strip()
    if not source or len(source) > 300:
        errors.append(FieldError("source", "Whose figure the rate is (1 to 300 characters)."))
    source_url = (source_url or "").strip() or None
    if source_url is not None and (len(source_url) > 500 or not source_url.startswith(("https://", "http://"))):
        errors.append(FieldError("source_url", "An address starting with https:// (at most 500 characters)."))
    if errors:
        raise InvalidInput("The valuation was not changed.", errors)
    valuation = db.session.scalar(select(Valuation).where(Valuation.valid_from == valid_from))
    if valuation is None:
        valuation = Valuation(valid_from=valid_from)
        db.session.add(valuation)
    valuation.method = chosen
    valuation.rate = euros
    valuation.source = source
    valuation.source_url = source_url
    valuation.set_at = now
    valuation.set_by = actor.label[:120]
    db.session.flush()
    return ValuationTerms.of(valuation)


def remove_valuation(actor: HubActor, valid_from: date) -> None:
    """Take back the valuation of that day (administrators); the one before it applies again."""
    require_role(actor, HubRole.ADMIN)
    valuation = db.session.scalar(select(Valuation).where(Valuation.valid_from == valid_from))
    if valuation is None:
        raise NotFound(f"No valuation from {valid_from.isoformat()}.")
    db.session.delete(valuation)
    db.session.flush()
