"""Words for people for the node's codes (statuses, urgency, consent ...), in the reader's language.

The codes themselves stay in `schemas.node.codes` and the categories in the
federation code list; this only says how a page shows them.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from federation.protocol.codelists import CATEGORIES, CATEGORY_BY_CODE
from schemas.node.codes import (
    DAYPARTS,
    WEEKDAYS,
    ConsentMethod,
    ConsentPurpose,
    MatchStatus,
    Recurrence,
    ReferralTarget,
    RequestStatus,
    Urgency,
)
from wijknet.web.i18n import current_language

REQUEST_STATUS = {
    RequestStatus.OPEN: _l("waiting for a match"),
    RequestStatus.MATCHED: _l("matched"),
    RequestStatus.IN_PROGRESS: _l("in progress"),
    RequestStatus.DONE: _l("done"),
    RequestStatus.CANCELLED: _l("cancelled"),
    RequestStatus.REFERRED: _l("referred"),
}
URGENCY = {
    Urgency.URGENT: _l("urgent"),
    Urgency.HIGH: _l("soon"),
    Urgency.NORMAL: _l("normal"),
    Urgency.LOW: _l("can wait"),
}
RECURRENCE = {
    Recurrence.NONE: _l("once"),
    Recurrence.WEEKLY: _l("every week"),
    Recurrence.FORTNIGHTLY: _l("every two weeks"),
    Recurrence.MONTHLY: _l("every month"),
}
REFERRAL_TARGET = {
    ReferralTarget.SOCIAL_TEAM: _l("buurtteam or wijkteam"),
    ReferralTarget.GP: _l("GP or practice nurse"),
    ReferralTarget.MUNICIPALITY: _l("municipality"),
    ReferralTarget.DEBT_COUNSELLING: _l("debt counselling"),
    ReferralTarget.OTHER: _l("someone else"),
}
CONSENT_PURPOSE = {
    ConsentPurpose.MEMBERSHIP: _l("Keep their details to help them (membership)"),
    ConsentPurpose.CONTACT_SHARING: _l("Give their phone number and address to the volunteer who helps"),
    ConsentPurpose.NEWSLETTER: _l("Send them the newsletter"),
    ConsentPurpose.PHOTOS: _l("Use photos in which they appear"),
}
CONSENT_METHOD = {
    ConsentMethod.ONLINE: _l("online"),
    ConsentMethod.PHONE: _l("by phone"),
    ConsentMethod.PAPER: _l("on paper"),
    ConsentMethod.IN_PERSON: _l("in person"),
}
MATCH_STATUS = {
    MatchStatus.PROPOSED: _l("proposed, waiting for the volunteer"),
    MatchStatus.ACCEPTED: _l("accepted"),
    MatchStatus.DECLINED: _l("declined"),
    MatchStatus.COMPLETED: _l("completed"),
    MatchStatus.WITHDRAWN: _l("withdrawn"),
}
WEEKDAY = dict(
    zip(WEEKDAYS, (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")), strict=True)
)
DAYPART = dict(zip(DAYPARTS, (_l("morning"), _l("afternoon"), _l("evening")), strict=True))

LABELS: Mapping[str, Mapping[str, object]] = {
    "request_status": REQUEST_STATUS,
    "urgency": URGENCY,
    "recurrence": RECURRENCE,
    "referral_target": REFERRAL_TARGET,
    "consent_purpose": CONSENT_PURPOSE,
    "consent_method": CONSENT_METHOD,
    "match_status": MATCH_STATUS,
}


def label(kind: str, code: str | None) -> str:
    """The words for `code` of the code list `kind`; an unknown code shows as itself."""
    if code is None:
        return ""
    if kind == "category":
        return category_label(code)
    if kind == "slot":
        return slot_label(code)
    return str(LABELS[kind].get(code, code))


def category_label(code: str) -> str:
    category = CATEGORY_BY_CODE.get(code)
    return category.label(current_language()) if category else code


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label(current_language())) for c in CATEGORIES]


def slot_label(slot: str) -> str:
    day, _, part = slot.partition("_")
    return f"{WEEKDAY.get(day, day)} {DAYPART.get(part, part)}"


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, words) for a select, in the code list's order."""
    return [(str(code), str(words)) for code, words in LABELS[kind].items()]
