"""The hub's application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from federation.hub import models  # noqa: F401  (registers every table)
from federation.hub.config import CONFIG_FILENAME, SIGNING_KEY_FILENAME, HubSettings
from federation.hub.extensions import db, migrate
from federation.hub.signing import HubSigner
from federation.protocol.keys import SigningKey, load_signing_key
from federation.protocol.messages import MAX_BODY_BYTES
from wijknet.web.config import load_settings
from wijknet.web.database import engine_options, install_sqlite_pragmas
from wijknet.web.problems import install_error_handlers
from wijknet.web.routing import IdConverter
from wijknet.web.security import configure_cookies, install_security_headers
from wijknet.web.ui import register_shared_ui

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_instance_path() -> Path:
    return Path(os.environ.get("WIJKNET_INSTANCE", "instance")).resolve()


def create_app(
    instance_path: str | Path | None = None,
    test_config: Mapping[str, Any] | None = None,
    *,
    signing_key: SigningKey | None = None,
) -> Flask:
    """Build a hub app for one instance folder; `test_config` overrides every other layer.

    The hub's signing key is read from the instance folder (`hub_key.pem`,
    refused when others can read it) unless one is given, as tests do.
    """
    instance = Path(instance_path).resolve() if instance_path else default_instance_path()
    app = Flask("hub", instance_path=str(instance), root_path=str(Path(__file__).parent))
    settings = load_settings(HubSettings, instance, CONFIG_FILENAME, test_config)
    settings.validate()
    database_url = settings.database_url_for(instance)

    app.config.update(
        SECRET_KEY=settings.secret_key or "testing-only-secret",
        TESTING=settings.testing,
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(database_url),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,  # 413 too_large above 1 MiB (spec section 3)
        JSON_SORT_KEYS=False,
    )
    app.extensions["wijknet.settings"] = settings
    key = signing_key or load_signing_key(instance / SIGNING_KEY_FILENAME)
    app.extensions["wijknet.hub_signer"] = HubSigner(settings.hub_id, key)
    app.url_map.converters["id"] = IdConverter

    db.init_app(app)
    with app.app_context():
        install_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    configure_cookies(app, secure=settings.secure_cookies)
    install_security_headers(app, hsts=settings.secure_cookies)
    install_error_handlers(app, is_api_request=is_api_request, error_template="hub_error.html")
    register_shared_ui(app)
    _register_federation(app, settings.rate_limit_per_minute)
    _register_accounts(app)
    _register_api(app)
    _register_pages(app)
    logging.getLogger("hub").setLevel(logging.INFO)
    return app


def _register_federation(app: Flask, per_minute: int) -> None:
    from federation.hub.accounts.auth import csrf
    from federation.hub.intake.views import federation, install_rate_limit

    app.register_blueprint(federation)
    csrf.exempt(federation)  # signed messages from nodes: no cookies, nothing a browser sends by itself
    install_rate_limit(app, per_minute)


def _register_accounts(app: Flask) -> None:
    from federation.hub.accounts.auth import init_auth
    from federation.hub.accounts.menu import install_menu

    init_auth(app)
    install_menu(app)


def _register_api(app: Flask) -> None:
    from federation.hub.accounts.api import blp as me
    from federation.hub.api import configure_api, register_api_blueprint
    from federation.hub.municipal.api import blp as municipal_reports

    configure_api(app)
    for blueprint in (me, municipal_reports):
        register_api_blueprint(app, blueprint)


def _register_pages(app: Flask) -> None:
    """The pages for people; each feature's menu entry with them."""
    from federation.hub.accounts import admin_views
    from federation.hub.accounts.menu import add_menu_entry
    from federation.hub.accounts.views import accounts
    from federation.hub.municipal import views as municipal_views
    from federation.hub.registry import views as registry_views

    app.register_blueprint(accounts)
    _register_dashboards(app)
    for blueprint, entry in (
        (registry_views.registry_pages, registry_views.MENU),
        (admin_views.users, admin_views.MENU),
        (municipal_views.municipal_reports, municipal_views.MENU),
    ):
        app.register_blueprint(blueprint)
        add_menu_entry(app, entry)


def _register_dashboards(app: Flask) -> None:
    """The dashboards (four menu entries), the area reference data and the valuation settings."""
    from federation.hub.accounts.menu import add_menu_entry
    from federation.hub.areas import views as area_views
    from federation.hub.dashboards import views as dashboard_views
    from federation.hub.settings import views as settings_views

    app.register_blueprint(dashboard_views.dashboards)
    for entry in dashboard_views.MENU:
        add_menu_entry(app, entry)
    for blueprint, entry in (
        (area_views.areas_pages, area_views.MENU),
        (settings_views.settings_pages, settings_views.MENU),
    ):
        app.register_blueprint(blueprint)
        add_menu_entry(app, entry)


def is_api_request() -> bool:
    return request.path.startswith(("/api/", "/.well-known/"))
