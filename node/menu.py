"""The node's menu: each feature adds its entries; a person sees those their roles may open.

A feature registers its page with `add_menu_entry(app, MenuEntry(...))` next to
registering its blueprint; an entry whose endpoint the app does not have is
not shown. Order numbers keep the menu in the order people expect, whichever
feature registers first: the resident's own pages, then the coordinator's
work from the first contact to the figures, then administration.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from schemas.node.codes import Role

MENU_EXTENSION = "wijknet.node_menu"
EVERYONE = frozenset({Role.MEMBER})

# Where each part of the node goes in the menu.
OWN_PAGES_ORDER = 10  # a resident's own requests, offers and data
INBOX_ORDER = 20
INTAKE_ORDER = 25
VOLUNTEERS_ORDER = 30
ASSIGNMENTS_ORDER = 40
ACTIVITIES_ORDER = 50
NEEDS_ORDER = 60
ADMIN_ORDER = 80
FEDERATION_ORDER = 90


class MenuEntry(NamedTuple):
    endpoint: str  # of a page without URL arguments
    label: Any  # a lazy text (`lazy_gettext`), translated when the page is drawn
    roles: frozenset[Role] = EVERYONE  # shown to a person with any of these roles
    order: int = 50
    # A blueprint whose every page belongs to this entry, so that it stays marked there.
    section: str | None = None


def add_menu_entry(app: Flask, entry: MenuEntry) -> None:
    app.extensions.setdefault(MENU_EXTENSION, []).append(entry)


def menu_entries() -> list[MenuEntry]:
    """The entries the logged-in person may open, in menu order (none for someone not logged in)."""
    if not current_user.is_authenticated:
        return []
    member = current_user.member
    entries = current_app.extensions.get(MENU_EXTENSION, [])
    views = current_app.view_functions
    shown = (e for e in entries if e.endpoint in views and any(member.has_role(r) for r in e.roles))
    return sorted(shown, key=lambda e: e.order)


def _is_current(entry: MenuEntry) -> bool:
    endpoint = request.endpoint or ""
    # `request.blueprints` names nested blueprints' parents too: a section marks every page inside it.
    return endpoint == entry.endpoint or (entry.section is not None and entry.section in request.blueprints)


def install_menu(app: Flask) -> None:
    @app.context_processor
    def node_menu() -> dict[str, Any]:
        return {"node_menu": [(url_for(e.endpoint), e.label, _is_current(e)) for e in menu_entries()]}
