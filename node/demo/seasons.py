"""How demand and supply for each category of help are spread over the year and the neighbourhood.

The shapes follow what cooperatives tell: gardens in spring and summer, tax
returns and allowances from January to May, loneliness in winter and around
the holidays, draughts and energy bills in autumn. Few volunteers take on
paperwork or light care, many do shopping and company, so the needs analysis
shows a gap where real neighbourhoods have one.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemas.node.codes import Recurrence, Urgency

# Requests per category in an average month (relative).
BASE_DEMAND: Mapping[str, float] = {
    "information": 6,
    "practical": 12,
    "shopping": 11,
    "transport": 10,
    "digital": 9,
    "paperwork": 8,
    "social": 9,
    "light_care": 6,
    "garden": 8,
    "home_energy": 5,
    "other": 3,
}

# Multipliers per calendar month, January to December.
SEASON: Mapping[str, tuple[float, ...]] = {
    "garden": (0.1, 0.2, 0.8, 1.6, 2.0, 2.3, 2.0, 1.6, 1.3, 0.9, 0.4, 0.1),
    "paperwork": (1.7, 2.0, 2.3, 2.3, 1.7, 0.8, 0.5, 0.5, 0.7, 0.8, 0.8, 0.9),
    "social": (1.4, 1.2, 1.0, 0.8, 0.7, 0.6, 0.6, 0.7, 0.8, 1.0, 1.4, 2.1),
    "home_energy": (1.1, 0.9, 0.7, 0.5, 0.4, 0.3, 0.3, 0.4, 1.3, 2.1, 1.9, 1.3),
    "shopping": (1.2, 1.2, 1.0, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 1.0, 1.1, 1.3),
    "transport": (1.1, 1.1, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.0, 1.1, 1.2),
    "light_care": (1.2, 1.2, 1.0, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 1.0, 1.1, 1.3),
    "practical": (0.8, 0.9, 1.1, 1.2, 1.1, 1.0, 0.9, 0.9, 1.1, 1.1, 1.0, 0.9),
}

# How many volunteers name a category as a skill (relative).
SUPPLY: Mapping[str, float] = {
    "information": 5,
    "practical": 12,
    "shopping": 14,
    "transport": 10,
    "digital": 7,
    "paperwork": 1.5,
    "social": 14,
    "light_care": 1.5,
    "garden": 7,
    "home_energy": 1.5,
    "other": 2,
}

# Days from request to first accepted match, as a multiple of the usual wait:
# scarce hands make people wait longer.
WAIT_FACTOR: Mapping[str, float] = {
    "paperwork": 2.5,
    "light_care": 2.0,
    "home_energy": 1.8,
    "digital": 1.4,
    "information": 1.2,
}

URGENCY_WEIGHTS: Mapping[Urgency, float] = {
    Urgency.LOW: 20,
    Urgency.NORMAL: 62,
    Urgency.HIGH: 14,
    Urgency.URGENT: 4,
}

# Median days to a first match by urgency, before the category's factor.
MEDIAN_WAIT_DAYS: Mapping[Urgency, float] = {
    Urgency.URGENT: 0.3,
    Urgency.HIGH: 1.5,
    Urgency.NORMAL: 4.0,
    Urgency.LOW: 9.0,
}

# The share of requests in a category that come back regularly, and how often.
RECURRING: Mapping[str, tuple[float, Recurrence]] = {
    "garden": (0.45, Recurrence.FORTNIGHTLY),
    "shopping": (0.35, Recurrence.WEEKLY),
    "social": (0.35, Recurrence.WEEKLY),
    "light_care": (0.3, Recurrence.WEEKLY),
    "transport": (0.1, Recurrence.MONTHLY),
}

RECURRENCE_DAYS: Mapping[Recurrence, int] = {
    Recurrence.WEEKLY: 7,
    Recurrence.FORTNIGHTLY: 14,
    Recurrence.MONTHLY: 30,
}


def demand_weights(month: int) -> dict[str, float]:
    """Relative demand per category code in a calendar month (1-12)."""
    return {code: base * SEASON.get(code, (1.0,) * 12)[month - 1] for code, base in BASE_DEMAND.items()}


def demand_level(month: int) -> float:
    """The month's total demand against the yearly average (winter is busier)."""
    average = sum(sum(demand_weights(m).values()) for m in range(1, 13)) / 12
    return sum(demand_weights(month).values()) / average
