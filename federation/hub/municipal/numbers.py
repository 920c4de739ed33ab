"""Figures as the report prints them, in Dutch whoever makes it: the dashboards' notation ("≥ 1.234", "—")."""

from __future__ import annotations

from decimal import Decimal

from federation.hub.dashboards.formatting import format_euros, format_number, format_rate, format_total
from federation.protocol.combine import Total

REPORT_LOCALE = "nl"


def dutch_number(value: Decimal) -> str:
    """1234.5 -> "1.234,5"."""
    return format_number(value, REPORT_LOCALE)


def dutch_money(value: Decimal) -> str:
    """1234.5 -> "€ 1.234,50"."""
    return format_rate(value, REPORT_LOCALE)


def total_text(total: Total | None) -> str:
    """ "≥ 1.234", "1.234" or "—"."""
    return format_total(total, REPORT_LOCALE)


def money_text(total: Total | None) -> str:
    """ "≥ € 1.234,50", "€ 1.234,50" or "—"."""
    return format_euros(total, REPORT_LOCALE)
