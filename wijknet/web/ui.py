"""The shared look: templates and static files that the node and the hub both serve."""

from __future__ import annotations

from flask import Blueprint, Flask


def register_shared_ui(app: Flask) -> None:
    """Serve the shared templates (error page, layout) and static files under /static/wijknet."""
    shared = Blueprint(
        "wijknet",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/wijknet",
    )
    app.register_blueprint(shared)
