"""Activities: what the cooperative organised and how many took part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.activities.models import Activity
from node.areas.services import check_buurt
from node.audit.services import changed_fields, record
from node.extensions import db
from node.members.models import Member
from schemas.node.codes import AuditAction, Role
from wijknet.errors import FieldError, InvalidInput, NotFound
from wijknet.web.pagination import Page, paginate


@dataclass
class ActivityFilter:
    category: str | None = None
    buurt_code: str | None = None
    held_from: date | None = None
    held_until: date | None = None


def _get(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("No such activity.")
    return activity


def _check_organiser(organiser_id: int | None) -> None:
    if organiser_id is None:
        return
    member = db.session.get(Member, organiser_id)
    if member is None or member.is_erased:
        raise InvalidInput("No such member.", [FieldError("organiser_id", "Unknown member.")])


def create_activity(actor: Actor, data: dict[str, Any]) -> Activity:
    require_role(actor, Role.COORDINATOR)
    check_buurt(data.get("buurt_code"))
    _check_organiser(data.get("organiser_id"))
    activity = Activity(**data)
    db.session.add(activity)
    db.session.flush()
    record(actor, AuditAction.CREATE, "activity", activity.id)
    return activity


def list_activities(actor: Actor, filters: ActivityFilter, page: int, page_size: int) -> Page[Activity]:
    """Everyone logged in may see what the cooperative organises."""
    stmt = select(Activity).order_by(Activity.held_on.desc(), Activity.id.desc())
    if filters.category is not None:
        stmt = stmt.where(Activity.category == filters.category)
    if filters.buurt_code is not None:
        stmt = stmt.where(Activity.buurt_code == filters.buurt_code)
    if filters.held_from is not None:
        stmt = stmt.where(Activity.held_on >= filters.held_from)
    if filters.held_until is not None:
        stmt = stmt.where(Activity.held_on <= filters.held_until)
    return paginate(db.session, stmt, page, page_size)


def get_activity(actor: Actor, activity_id: int) -> Activity:
    return _get(activity_id)


def update_activity(actor: Actor, activity_id: int, changes: dict[str, Any]) -> Activity:
    require_role(actor, Role.COORDINATOR)
    activity = _get(activity_id)
    if "buurt_code" in changes:
        check_buurt(changes["buurt_code"])
    if "organiser_id" in changes:
        _check_organiser(changes["organiser_id"])
    for key, value in changes.items():
        setattr(activity, key, value)
    db.session.flush()
    record(actor, AuditAction.UPDATE, "activity", activity_id, detail=changed_fields(changes))
    return activity


def delete_activity(actor: Actor, activity_id: int) -> None:
    require_role(actor, Role.COORDINATOR)
    db.session.delete(_get(activity_id))
    db.session.flush()
    record(actor, AuditAction.DELETE, "activity", activity_id)
