"""The code lists of federation protocol v1 (spec section 9), in one place.

The node's domain, the hub, the schemas and the user interface all read these;
a version-1 hub rejects any other code, so nothing else may be sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ALL_CATEGORIES = "_all"  # the total over categories in a report


@dataclass(frozen=True)
class Category:
    code: str
    label_nl: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_nl if language == "nl" else self.label_en


CATEGORIES: tuple[Category, ...] = (
    Category("information", "Informatie & advies", "Information & advice"),
    Category("practical", "Praktische hulp & klussen", "Practical help & odd jobs"),
    Category("shopping", "Boodschappen", "Shopping"),
    Category("transport", "Vervoer & begeleiding", "Transport & accompaniment"),
    Category("digital", "Digitale hulp", "Digital help"),
    Category("paperwork", "Administratie & geldzaken", "Paperwork & money matters"),
    Category("social", "Ontmoeting & gezelschap", "Company & social contact"),
    Category("light_care", "Lichte zorg & oppas", "Light care & looking in"),
    Category("garden", "Tuin & groen", "Garden & green"),
    Category("home_energy", "Wonen & verduurzaming", "Home & energy saving"),
    Category("other", "Overig", "Other"),
)

CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
CATEGORY_BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}


class MetricKind(StrEnum):
    """How the hub may combine values (spec section 9)."""

    FLOW = "flow"  # adds up over months and across nodes
    STOCK = "stock"  # adds across nodes; over time the last month counts
    DISTINCT = "distinct"  # adds across nodes only; never over time
    STATISTIC = "statistic"  # never added


@dataclass(frozen=True)
class Metric:
    code: str
    kind: MetricKind
    person: bool  # subject to the minimum count
    per_category: bool  # False: reported for `_all` only
    label_nl: str
    label_en: str
    whole: bool = True  # a count; False for hours, euros and the median
    # A sum or statistic published only when the persons (or requests) behind
    # it number at least min_count; `guard` names the published person metric
    # that counts them, where the code list has one (the hub checks against it).
    guarded: bool = False
    guard: str | None = None

    def label(self, language: str) -> str:
        return self.label_nl if language == "nl" else self.label_en


METRICS: tuple[Metric, ...] = (
    Metric("members_total", MetricKind.STOCK, True, False, "Leden", "Members"),
    Metric("members_new", MetricKind.FLOW, True, False, "Nieuwe leden", "New members"),
    Metric("requests_new", MetricKind.FLOW, True, True, "Nieuwe hulpvragen", "New help requests"),
    Metric("requests_matched", MetricKind.FLOW, True, True, "Gekoppelde hulpvragen", "Requests matched"),
    Metric("requests_done", MetricKind.FLOW, True, True, "Afgeronde hulpvragen", "Requests completed"),
    Metric("requests_referred", MetricKind.FLOW, True, True, "Doorverwezen hulpvragen", "Requests referred"),
    Metric("requests_open_end", MetricKind.STOCK, True, True, "Open hulpvragen", "Open requests"),
    Metric(
        "days_to_match_median",
        MetricKind.STATISTIC,
        False,
        True,
        "Mediaan dagen tot koppeling",
        "Median days to match",
        whole=False,
        guarded=True,
        guard="requests_matched",
    ),
    Metric("offers_active", MetricKind.STOCK, True, True, "Actief hulpaanbod", "Active help offers"),
    Metric("volunteers_active", MetricKind.DISTINCT, True, True, "Actieve vrijwilligers", "Active volunteers"),
    Metric(
        "volunteer_hours",
        MetricKind.FLOW,
        False,
        True,
        "Vrijwillige uren",
        "Volunteer hours",
        whole=False,
        guarded=True,
        guard="volunteers_active",
    ),
    # Guarded by the persons who logged paid hours, a count the node keeps to itself.
    Metric("paid_hours", MetricKind.FLOW, False, True, "Betaalde uren", "Paid hours", whole=False, guarded=True),
    Metric("assignments_active", MetricKind.STOCK, False, True, "Lopende opdrachten", "Active assignments"),
    Metric(
        "assignment_revenue_eur",
        MetricKind.FLOW,
        False,
        True,
        "Gefactureerde opbrengst (€)",
        "Revenue invoiced (€)",
        whole=False,
    ),
    Metric("activities_held", MetricKind.FLOW, False, True, "Activiteiten", "Activities held"),
    Metric("activity_participants", MetricKind.FLOW, True, True, "Deelnames", "Participations"),
)

METRIC_CODES: tuple[str, ...] = tuple(m.code for m in METRICS)
METRIC_BY_CODE: dict[str, Metric] = {m.code: m for m in METRICS}
