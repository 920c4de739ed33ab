"""Help offers: what volunteers offer, when, and whether the offer is active."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import changed_fields, record
from node.availability import normalise_slots
from node.extensions import db
from node.help.models import HelpOffer, OfferCategory, OfferStatusChange
from node.members.models import Member
from node.members.services import grant_role
from schemas.node.codes import AuditAction, MembershipStatus, OfferStatus, Role
from wijknet.errors import FieldError, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from wijknet.web.database import utcnow
from wijknet.web.pagination import Page, paginate


@dataclass
class OfferFilter:
    volunteer_id: int | None = None
    category: str | None = None
    status: OfferStatus | None = None


def _get(offer_id: int) -> HelpOffer:
    offer = db.session.get(HelpOffer, offer_id)
    if offer is None:
        raise NotFound("No such help offer.")
    return offer


def _check_owner_or_staff(actor: Actor, offer: HelpOffer) -> None:
    if actor.is_member(offer.volunteer_id) or actor.is_staff:
        return
    raise NotFound("No such help offer.")


def create_offer(actor: Actor, data: dict[str, Any], now: datetime | None = None) -> HelpOffer:
    """A member offers help (and so becomes a volunteer); a coordinator may enter it for them."""
    now = now or utcnow()
    data = dict(data)
    volunteer_id = data.pop("volunteer_id", None) or actor.member_id
    if volunteer_id is None:
        raise InvalidInput("Say who offers help.", [FieldError("volunteer_id", "Required.")])
    if not actor.is_member(volunteer_id):
        require_role(actor, Role.COORDINATOR)
    volunteer = db.session.get(Member, volunteer_id)
    if volunteer is None or volunteer.is_erased:
        raise InvalidInput("No such member.", [FieldError("volunteer_id", "Unknown member.")])
    if volunteer.status == MembershipStatus.ENDED:
        raise InvalidInput("This membership has ended.", [FieldError("volunteer_id", "Membership ended.")])
    categories = sorted(set(data.pop("categories")))
    offer = HelpOffer(
        volunteer_id=volunteer_id,
        availability=normalise_slots(data.pop("availability", None)),
        created_at=now,
        **data,
    )
    offer.category_rows = [OfferCategory(category=c) for c in categories]
    offer.status_changes = [OfferStatusChange(status=OfferStatus.ACTIVE, changed_at=now)]
    db.session.add(offer)
    grant_role(volunteer, Role.VOLUNTEER)
    db.session.flush()
    record(actor, AuditAction.CREATE, "help_offer", offer.id, subject_member_id=volunteer_id)
    return offer


def get_offer(actor: Actor, offer_id: int) -> HelpOffer:
    offer = _get(offer_id)
    _check_owner_or_staff(actor, offer)
    return offer


def list_offers(actor: Actor, filters: OfferFilter, page: int, page_size: int) -> Page[HelpOffer]:
    """Coordinators see every offer; volunteers their own."""
    if not actor.is_staff:
        if actor.member_id is None:
            raise PermissionDenied("This needs the coordinator role.")
        if filters.volunteer_id not in (None, actor.member_id):
            raise PermissionDenied("Volunteers see only their own offers.")
        filters.volunteer_id = actor.member_id
    stmt = select(HelpOffer).order_by(HelpOffer.created_at.desc(), HelpOffer.id.desc())
    if filters.volunteer_id is not None:
        stmt = stmt.where(HelpOffer.volunteer_id == filters.volunteer_id)
    if filters.status is not None:
        stmt = stmt.where(HelpOffer.status == filters.status)
    if filters.category is not None:
        stmt = stmt.where(
            exists().where(OfferCategory.offer_id == HelpOffer.id, OfferCategory.category == filters.category)
        )
    return paginate(db.session, stmt, page, page_size)


def update_offer(actor: Actor, offer_id: int, changes: dict[str, Any], now: datetime | None = None) -> HelpOffer:
    """Change an offer; pausing, resuming and ending are recorded with their time."""
    now = now or utcnow()
    offer = _get(offer_id)
    _check_owner_or_staff(actor, offer)
    if offer.status == OfferStatus.ENDED:
        raise InvalidTransition("This offer has ended; make a new one instead.")
    changes = dict(changes)
    logged = sorted(changes)
    if "categories" in changes:
        offer.category_rows = [OfferCategory(category=c) for c in sorted(set(changes.pop("categories")))]
    if "availability" in changes:
        changes["availability"] = normalise_slots(changes["availability"])
    status = changes.pop("status", None)
    if status is not None and status != offer.status:
        offer.status = status
        offer.status_changes.append(OfferStatusChange(status=status, changed_at=now))
    for key, value in changes.items():
        setattr(offer, key, value)
    db.session.flush()
    record(
        actor,
        AuditAction.UPDATE,
        "help_offer",
        offer_id,
        subject_member_id=offer.volunteer_id,
        detail=changed_fields(dict.fromkeys(logged)),
    )
    return offer
