"""The node's code lists: roles, statuses and kinds, in one place.

They are part of the API contract, so they live here; the node's models and
services import them from here, and the OpenAPI document lists them.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"  # every member; implicit
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"  # sociaal makelaar, wijkondernemer, communitybuilder
    ADMIN = "admin"


GRANTABLE_ROLES = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


class MemberKind(StrEnum):
    RESIDENT = "resident"
    ORGANISATION = "organisation"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class ConsentPurpose(StrEnum):
    MEMBERSHIP = "membership"  # processing what is needed to be a member and to get or give help
    CONTACT_SHARING = "contact_sharing"  # contact details shown to the other side of an accepted match
    NEWSLETTER = "newsletter"
    PHOTOS = "photos"


class ConsentMethod(StrEnum):
    ONLINE = "online"
    PHONE = "phone"  # given on the resident's behalf at phone intake
    PAPER = "paper"
    IN_PERSON = "in_person"


class RequestStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    REFERRED = "referred"  # handed to professional care


CLOSED_STATUSES = frozenset({RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.REFERRED})


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"  # a garden kept up every other week
    MONTHLY = "monthly"


class ReferralTarget(StrEnum):
    SOCIAL_TEAM = "social_team"  # buurtteam / wijkteam
    GP = "gp"  # huisarts, praktijkondersteuner
    MUNICIPALITY = "municipality"
    DEBT_COUNSELLING = "debt_counselling"
    OTHER = "other"


class OfferStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Frequency(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    OCCASIONALLY = "occasionally"


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"  # the coordinator took it back, or the volunteer dropped out


LIVE_MATCH_STATUSES = frozenset({MatchStatus.PROPOSED, MatchStatus.ACCEPTED})


class PartnerKind(StrEnum):
    HOUSING_CORPORATION = "housing_corporation"
    MUNICIPALITY = "municipality"
    CARE_PROVIDER = "care_provider"
    COMPANY = "company"
    OTHER = "other"


class AssignmentStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    CANCELLED = "cancelled"


class AuditAction(StrEnum):
    VIEW = "view"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    ERASE = "erase"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    RETENTION = "retention"
    TOKEN = "token"


# Availability as weekly slots (`mon_morning` ... `sun_evening`): volunteers say
# when they can help, requests when help is wanted.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAYPARTS = ("morning", "afternoon", "evening")
AVAILABILITY_SLOTS: tuple[str, ...] = tuple(f"{day}_{part}" for day in WEEKDAYS for part in DAYPARTS)
