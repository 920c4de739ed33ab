"""The hub's menu: each feature adds its entries; a person sees those their role may open.

A feature registers its page with `add_menu_entry(app, MenuEntry(...))` when it
registers its blueprint; an entry whose endpoint the app does not have is not
shown. The order numbers keep the menu in the order people expect, whichever
feature registers first.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from federation.hub.accounts.actor import HubRole

MENU_EXTENSION = "wijknet.hub_menu"
EVERYONE = frozenset(HubRole)

# Where each part of the hub goes in the menu.
DASHBOARD_ORDER = 10
NEEDS_ORDER = 20
COMPLETENESS_ORDER = 30
REPORTS_ORDER = 40
REGISTRY_ORDER = 70
ACCOUNTS_ORDER = 80
SETTINGS_ORDER = 90


class MenuEntry(NamedTuple):
    endpoint: str  # of a page without URL arguments
    label: Any  # a lazy text (`lazy_gettext`), translated when the page is drawn
    roles: frozenset[HubRole] = EVERYONE
    order: int = 50
    # The start page `/` sends a logged-in person to the first start entry they may open (the dashboard).
    start: bool = False
    # A blueprint whose every page belongs to this entry, so that it stays marked there.
    section: str | None = None


def add_menu_entry(app: Flask, entry: MenuEntry) -> None:
    app.extensions.setdefault(MENU_EXTENSION, []).append(entry)


def menu_entries(role: HubRole | None) -> list[MenuEntry]:
    """The entries a person in `role` may open, in menu order (none for someone not logged in)."""
    if role is None:
        return []
    entries = current_app.extensions.get(MENU_EXTENSION, [])
    views = current_app.view_functions
    return sorted((e for e in entries if e.endpoint in views and role in e.roles), key=lambda e: e.order)


def start_endpoint(role: HubRole) -> str | None:
    return next((e.endpoint for e in menu_entries(role) if e.start), None)


def is_current(entry: MenuEntry) -> bool:
    endpoint = request.endpoint or ""
    return endpoint == entry.endpoint or (entry.section is not None and endpoint.startswith(entry.section + "."))


def install_menu(app: Flask) -> None:
    app.extensions.setdefault(MENU_EXTENSION, [])

    @app.context_processor
    def hub_menu() -> dict[str, Any]:
        role = current_user.role if current_user.is_authenticated else None
        return {
            "hub_menu": [(url_for(e.endpoint), e.label, is_current(e)) for e in menu_entries(role)],
        }
