"""The names people read for the node's codes, and numbers in their language, for the pages.

Categories come from the federation's code list (with their Dutch and
English names), buurten from the node's own configuration; the node's own
code lists (schemas/node/codes.py) get their words here, once. A blueprint
that shows them calls `blueprint.record_once(install_code_labels)`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from babel.numbers import format_currency
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from federation.protocol.codelists import CATEGORIES, CATEGORY_BY_CODE
from node.areas.services import settings
from schemas.node.codes import AssignmentStatus, Frequency, MatchStatus, OfferStatus, PartnerKind
from wijknet.web.charts import format_number
from wijknet.web.i18n import current_language

# By code list, since codes repeat across lists ("active" offers and "active" assignments read differently).
CODE_LABELS: dict[type[StrEnum], dict[str, object]] = {
    OfferStatus: {"active": _l("active"), "paused": _l("paused"), "ended": _l("ended")},
    Frequency: {
        "once": _l("once"),
        "weekly": _l("weekly"),
        "monthly": _l("monthly"),
        "occasionally": _l("now and then"),
    },
    MatchStatus: {
        "proposed": _l("proposed"),
        "accepted": _l("accepted"),
        "declined": _l("declined"),
        "completed": _l("completed"),
        "withdrawn": _l("withdrawn"),
    },
    PartnerKind: {
        "housing_corporation": _l("housing corporation"),
        "municipality": _l("municipality"),
        "care_provider": _l("care provider"),
        "company": _l("company"),
        "other": _l("other organisation"),
    },
    AssignmentStatus: {
        "planned": _l("planned"),
        "active": _l("running"),
        "done": _l("done"),
        "cancelled": _l("cancelled"),
    },
}


DAY_LABELS = {
    "mon": _l("Mon"),
    "tue": _l("Tue"),
    "wed": _l("Wed"),
    "thu": _l("Thu"),
    "fri": _l("Fri"),
    "sat": _l("Sat"),
    "sun": _l("Sun"),
}
DAYPART_LABELS = {"morning": _l("morning"), "afternoon": _l("afternoon"), "evening": _l("evening")}


def slot_labels(slots: list[str] | None) -> str:
    """ "Mon morning, Thu evening" from `mon_morning`, `thu_evening`; "—" for none."""
    if not slots:
        return "—"
    shown = []
    for slot in slots:
        day, _, part = slot.partition("_")
        shown.append(f"{DAY_LABELS.get(day, day)} {DAYPART_LABELS.get(part, part)}")
    return ", ".join(shown)


def code_label(code: StrEnum) -> str:
    return str(CODE_LABELS.get(type(code), {}).get(code.value, code.value))


def category_name(code: str) -> str:
    category = CATEGORY_BY_CODE.get(code)
    return category.label(current_language()) if category else code


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(c.code, c.label(current_language())) for c in CATEGORIES]


def buurt_name(code: str | None) -> str:
    """The buurt's name as the cooperative configured it; "no buurt known" for none."""
    if code is None:
        return str(_l("no buurt known"))
    return settings().buurten.get(code, code)


def buurt_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in sorted(settings().buurten.items(), key=lambda item: item[1])]


def local_number(value: Decimal | int | float | None) -> str:
    return format_number(value, current_language())


def local_euros(value: Decimal | None) -> str:
    return "—" if value is None else format_currency(value, "EUR", locale=current_language())


def install_code_labels(state: BlueprintSetupState) -> None:
    state.app.jinja_env.filters.update(
        code_label=code_label,
        category_name=category_name,
        buurt_name=buurt_name,
        slot_labels=slot_labels,
        local_number=local_number,
        local_euros=local_euros,
    )
