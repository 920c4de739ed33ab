"""The code lists in the words residents use: what a status means for them, what a category covers.

Keyed by the codes of `schemas.node.codes` and the federation's category list,
so a new code shows up (with its plain label) without a change here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from federation.protocol.codelists import CATEGORIES, CATEGORY_BY_CODE
from schemas.node.codes import (
    DAYPARTS,
    WEEKDAYS,
    ConsentPurpose,
    Frequency,
    MatchStatus,
    OfferStatus,
    Recurrence,
    RequestStatus,
    Urgency,
)
from wijknet.web.i18n import current_language

# Examples under each category, so people recognise their question in it.
CATEGORY_EXAMPLES: dict[str, Any] = {
    "information": _l("Where can I go with my question? Who can tell me more?"),
    "practical": _l("Hanging a lamp, putting a cupboard together, a small repair."),
    "shopping": _l("Doing the shopping for you, or going to the shop together."),
    "transport": _l("A lift to the doctor or the hospital, someone who goes with you."),
    "digital": _l("Help with your phone, computer, DigiD or online banking."),
    "paperwork": _l("Reading letters, filling in forms, keeping track of bills."),
    "social": _l("Someone to talk to, have coffee with or go for a walk with."),
    "light_care": _l("Looking in on someone, looking after children or pets for a while."),
    "garden": _l("Keeping the garden tidy, weeding, trimming the hedge."),
    "home_energy": _l("Saving energy at home, draught strips, advice on insulation."),
    "other": _l("Something else: tell us in your own words."),
}

URGENCY_WORDS: dict[Urgency, Any] = {
    Urgency.LOW: _l("It can wait a while"),
    Urgency.NORMAL: _l("In the coming weeks"),
    Urgency.HIGH: _l("This week, if possible"),
    Urgency.URGENT: _l("Today or tomorrow, if possible"),
}

RECURRENCE_WORDS: dict[Recurrence, Any] = {
    Recurrence.NONE: _l("Once"),
    Recurrence.WEEKLY: _l("Every week"),
    Recurrence.FORTNIGHTLY: _l("Every two weeks"),
    Recurrence.MONTHLY: _l("Every month"),
}

FREQUENCY_WORDS: dict[Frequency, Any] = {
    Frequency.ONCE: _l("Once"),
    Frequency.WEEKLY: _l("Every week"),
    Frequency.MONTHLY: _l("Every month"),
    Frequency.OCCASIONALLY: _l("Now and then"),
}

REQUEST_STATUS_WORDS: dict[RequestStatus, Any] = {
    RequestStatus.OPEN: _l("We are looking for someone to help"),
    RequestStatus.MATCHED: _l("Someone has been found"),
    RequestStatus.IN_PROGRESS: _l("The help has started"),
    RequestStatus.DONE: _l("Done"),
    RequestStatus.CANCELLED: _l("Withdrawn"),
    RequestStatus.REFERRED: _l("Passed on to professional help"),
}

MATCH_STATUS_WORDS: dict[MatchStatus, Any] = {
    MatchStatus.PROPOSED: _l("Asked, waiting for an answer"),
    MatchStatus.ACCEPTED: _l("Agreed"),
    MatchStatus.DECLINED: _l("Did not work out"),
    MatchStatus.COMPLETED: _l("Done"),
    MatchStatus.WITHDRAWN: _l("Stopped"),
}

OFFER_STATUS_WORDS: dict[OfferStatus, Any] = {
    OfferStatus.ACTIVE: _l("Active"),
    OfferStatus.PAUSED: _l("Paused"),
    OfferStatus.ENDED: _l("Stopped"),
}

CONSENT_WORDS: dict[ConsentPurpose, Any] = {
    ConsentPurpose.MEMBERSHIP: _l("I become a member. The cooperative keeps my details to help me or to let me help."),
    ConsentPurpose.CONTACT_SHARING: _l(
        "Once help has been agreed, the other person may see my name, phone number and e-mail address "
        "(and my address, if I am the one asking for help)."
    ),
    ConsentPurpose.NEWSLETTER: _l("Send me the newsletter by e-mail."),
    ConsentPurpose.PHOTOS: _l("Photos I am in may be used, for example in the newsletter."),
}

DAY_WORDS: dict[str, Any] = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}

DAYPART_WORDS: dict[str, Any] = {
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon"),
    "evening": _l("Evening"),
}


def category_label(code: str) -> str:
    category = CATEGORY_BY_CODE.get(code)
    return category.label(current_language()) if category else code


def choices_from(words: dict[Any, Any]) -> list[SelectChoice]:
    """Form choices from one of the word lists above, in the code list's order."""
    return [SelectChoice(str(code), label) for code, label in words.items()]


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(c.code, c.label(current_language())) for c in CATEGORIES]


def day_choices() -> list[SelectChoice]:
    return [SelectChoice(d, DAY_WORDS.get(d, d)) for d in WEEKDAYS]


def daypart_choices() -> list[SelectChoice]:
    return [SelectChoice(p, DAYPART_WORDS.get(p, p)) for p in DAYPARTS]


def slots_from(days: list[str], dayparts: list[str]) -> list[str]:
    """Weekly slots from chosen days and parts of the day; only days means the whole day, only parts every day."""
    return [f"{d}_{p}" for d in (days or WEEKDAYS) for p in (dayparts or DAYPARTS)] if days or dayparts else []


def describe_slots(slots: list[str]) -> str:
    """`mon_morning, wed_morning` as "Monday, Wednesday: morning"; per day where the days differ."""
    days = [d for d in WEEKDAYS if any(s.startswith(f"{d}_") for s in slots)]
    parts = [p for p in DAYPARTS if any(s.endswith(f"_{p}") for s in slots)]
    if set(slots) == {f"{d}_{p}" for d in days for p in parts}:
        groups = [(days, parts)] if slots else []
    else:
        groups = [([d], [p for p in DAYPARTS if f"{d}_{p}" in slots]) for d in days]
    return "; ".join(_describe(group_days, group_parts) for group_days, group_parts in groups)


def _describe(days: list[str], parts: list[str]) -> str:
    day_text = str(_l("Every day")) if len(days) == len(WEEKDAYS) else ", ".join(str(DAY_WORDS[d]) for d in days)
    return f"{day_text}: " + ", ".join(str(DAYPART_WORDS[p]).lower() for p in parts)
