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
    from node.accounts.services import load_account

    login_manager.init_app(app)
    login_manager.login_view = "pages.login_page"
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
    from node.federation.views import MENU as federation_menu
    from node.federation.views import federation_pages
    from node.menu import add_menu_entry, install_menu
    from node.pages import pages

    install_menu(app)
    app.register_blueprint(pages)
    app.register_blueprint(federation_pages)
    add_menu_entry(app, federation_menu)
