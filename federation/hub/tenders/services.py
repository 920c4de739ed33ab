"""Tenders: the signed list the nodes read (spec section 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from federation.hub.extensions import db
from federation.hub.signing import hub_signer
from federation.hub.tenders.models import Tender
from federation.protocol.messages import TENDERS, format_timestamp


def tender_payload(tender: Tender) -> dict[str, Any]:
    return {
        "tender_id": tender.tender_id,
        "title": tender.title,
        "municipality": tender.municipality,
        "status": tender.status,
        "deadline": format_timestamp(tender.deadline),
        "period_start": tender.period_start,
        "period_end": tender.period_end,
        "lots": [
            {
                "lot_id": lot.lot_id,
                "title": lot.title,
                "areas": list(lot.areas),
                "categories": list(lot.categories),
                "required_hours_per_month": _number(lot.required_hours_per_month),
            }
            for lot in tender.lots
        ],
    }


def _number(value: Any) -> int | float:
    return int(value) if value == int(value) else float(value)


def signed_tender_list(now: datetime) -> str:
    """Every tender, signed by the hub, so a node can show its administrator where it stands."""
    signer = hub_signer()
    tenders = db.session.scalars(select(Tender).order_by(Tender.deadline, Tender.tender_id))
    payload = {
        "schema": TENDERS.schema,
        "hub_id": signer.hub_id,
        "issued_at": format_timestamp(now),
        "tenders": [tender_payload(t) for t in tenders],
    }
    return signer.sign(payload, TENDERS.typ)
