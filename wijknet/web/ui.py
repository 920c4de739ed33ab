"""The shared look: the layout, the stylesheet and the error page that the node and the hub both serve."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app

from wijknet.web.i18n import install_i18n


def register_shared_ui(app: Flask) -> None:
    """Serve the shared templates and static files (under /static/wijknet), and the languages."""
    shared = Blueprint(
        "wijknet",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/wijknet",
    )
    app.register_blueprint(shared)
    install_i18n(app)

    @app.context_processor
    def site() -> dict[str, str]:
        return {"site_name": current_app.extensions["wijknet.settings"].name}
