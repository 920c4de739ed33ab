"""The node's application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from node import models  # noqa: F401  (registers every table)
from node.config import CONFIG_FILENAME, NodeSettings
from node.extensions import csrf, db, login_manager, migrate
from node.federation.keys import check_key_files
from wijknet.web.config import load_settings
from wijknet.web.database import engine_options, install_sqlite_pragmas
from wijknet.web.passwords import Passwords
from wijknet.web.problems import install_error_handlers
from wijknet.web.routing import IdConverter
from wijknet.web.security import configure_cookies, install_security_headers
from wijknet.web.ui import register_shared_ui

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MAX_REQUEST_BYTES = 1024 * 1024


def default_instance_path() -> Path:
    return Path(os.environ.get("WIJKNET_INSTANCE", "instance")).resolve()


def create_app(instance_path: str | Path | None = None, test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build a node app for one instance folder; `test_config` overrides every other layer."""
    instance = Path(instance_path).resolve() if instance_path else default_instance_path()
    app = Flask("node", instance_path=str(instance), root_path=str(Path(__file__).parent))
    settings = load_settings(NodeSettings, instance, CONFIG_FILENAME, test_config)
    settings.validate()
    check_key_files(instance)  # a signing key others can read is a stolen key waiting to happen
    database_url = settings.database_url_for(instance)

    app.config.update(
        SECRET_KEY=settings.secret_key or "testing-only-secret",
        TESTING=settings.testing,
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(database_url),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.extensions["wijknet.settings"] = settings
    app.extensions["wijknet.passwords"] = Passwords(
        time_cost=settings.password_time_cost, memory_cost_kib=settings.password_memory_kib
    )
    app.url_map.converters["id"] = IdConverter
    app.url_map.strict_slashes = False

    db.init_app(app)
    with app.app_context():
        install_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    _configure_login(app)
    configure_cookies(app, secure=settings.secure_cookies)
    install_security_headers(app, hsts=settings.secure_cookies)

    from node.accounts.auth import is_api_request

    install_error_handlers(app, is_api_request=is_api_request)
    register_shared_ui(app)
    _register_api(app)
    _register_pages(app)
    logging.getLogger("node").setLevel(logging.INFO)
    return app


def _configure_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from node.accounts.services import load_account

    login_manager.init_app(app)
    login_manager.login_view = "pages.login_page"
    # Flask-Login's own text is English only; `str` translates it when flashed.
    login_manager.login_message = lazy_gettext("Log in to see this page.")
    login_manager.localize_callback = str
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_account)


def _register_api(app: Flask) -> None:
    from node.api import all_blueprints, api, configure_api

    configure_api(app)
    for blueprint in all_blueprints():
        csrf.exempt(blueprint)  # bearer tokens only: nothing a browser sends by itself
        api.register_blueprint(blueprint)


def _register_pages(app: Flask) -> None:
    """The pages for people; each feature's menu entries with them (node/menu.py)."""
    from node.admin.views import MENU as admin_menu
    from node.admin.views import admin
    from node.federation.views import MENU as federation_menu
    from node.federation.views import federation_pages
    from node.help.views import INBOX_MENU, INTAKE_MENU, intake_pages, request_pages
    from node.matching.views import match_pages
    from node.menu import add_menu_entry, install_menu
    from node.pages import pages
    from node.residents.views import MENU as residents_menu
    from node.residents.views import residents

    install_menu(app)
    app.register_blueprint(pages)
    app.register_blueprint(federation_pages)
    add_menu_entry(app, federation_menu)
    app.register_blueprint(admin)
    add_menu_entry(app, admin_menu)
    app.register_blueprint(residents)
    for entry in residents_menu:
        add_menu_entry(app, entry)
    for blueprint in (request_pages, intake_pages, match_pages):
        app.register_blueprint(blueprint)
    add_menu_entry(app, INBOX_MENU)
    add_menu_entry(app, INTAKE_MENU)
    _register_overview_pages(app)


def _register_overview_pages(app: Flask) -> None:
    """The coordinator's overviews: volunteers, assignments, activities, the needs analysis."""
    from node.activities.views import MENU as activities_menu
    from node.activities.views import activity_pages
    from node.members.views import MENU as volunteers_menu
    from node.members.views import volunteer_pages
    from node.menu import add_menu_entry
    from node.needs.views import MENU as needs_menu
    from node.needs.views import needs_pages
    from node.work.views import MENU as work_menu
    from node.work.views import work_pages

    for blueprint, entry in (
        (volunteer_pages, volunteers_menu),
        (work_pages, work_menu),
        (activity_pages, activities_menu),
        (needs_pages, needs_menu),
    ):
        app.register_blueprint(blueprint)
        add_menu_entry(app, entry)
