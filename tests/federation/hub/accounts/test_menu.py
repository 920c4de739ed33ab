"""The hub's menu: each feature adds its pages; a person sees those their role may open, in a fixed order."""

from __future__ import annotations

import re

from flask import Blueprint, Flask

from federation.hub.accounts.actor import HubRole
from federation.hub.accounts.menu import REPORTS_ORDER, MenuEntry, add_menu_entry
from tests.federation.hub.accounts.people import logged_in_client


def menu_of(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_an_administrator_sees_the_registry_and_the_accounts(hub_app: Flask) -> None:
    page = logged_in_client(hub_app, "admin").get("/account").get_data(as_text=True)
    assert menu_of(page)[-3:] == ["Register", "Accounts", "Instellingen"]


def test_others_see_no_administration(hub_app: Flask) -> None:
    for caller in ("analyst", "municipality"):
        page = logged_in_client(hub_app, caller).get("/account").get_data(as_text=True)
        assert not {"Register", "Accounts", "Instellingen"} & set(menu_of(page))
    assert menu_of(hub_app.test_client().get("/").get_data(as_text=True)) == []


def test_a_features_entry_joins_the_menu_in_its_place_and_becomes_the_start(hub_app: Flask) -> None:
    add_menu_entry(hub_app, MenuEntry("reports.list", "Reports", order=REPORTS_ORDER))  # no such page: not shown
    admin = logged_in_client(hub_app, "admin")
    menu = menu_of(admin.get("/account").get_data(as_text=True))
    assert menu[0] == "Dashboard" and "Reports" not in menu
    start = admin.get("/")
    assert start.status_code == 302 and start.headers["Location"] == "/dashboard"
    analyst = logged_in_client(hub_app, "analyst")
    assert analyst.get("/").headers["Location"] == "/dashboard"
    assert hub_app.test_client().get("/").status_code == 200  # a stranger gets the welcome


def test_the_current_page_is_marked(hub_app: Flask) -> None:
    page = logged_in_client(hub_app, "admin").get("/admin/api-tokens").get_data(as_text=True)
    assert re.search(r'<a href="/admin/users" aria-current="page">', page)
    assert not re.search(r'<a href="/registry" aria-current="page">', page)


def test_an_entry_for_one_role_is_hidden_from_the_others(hub_app: Flask) -> None:
    pages = Blueprint("municipal", __name__)
    pages.add_url_rule("/municipal", "reports", lambda: "reports")
    hub_app.register_blueprint(pages)
    add_menu_entry(hub_app, MenuEntry("municipal.reports", "Rapporten", frozenset({HubRole.MUNICIPALITY})))
    assert "Rapporten" in menu_of(logged_in_client(hub_app, "municipality").get("/account").get_data(as_text=True))
    assert "Rapporten" not in menu_of(logged_in_client(hub_app, "admin").get("/account").get_data(as_text=True))
