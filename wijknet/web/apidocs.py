"""Browsable API docs (Swagger UI), served from the installed swagger-ui-bundle.

flask-smorest would load Swagger UI from a CDN; a node runs on a small
machine that may not reach one, and our content security policy allows only
the app's own scripts, so the assets come from the Python package instead.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


def register_api_docs(app: Flask, api_prefix: str, *, title: str) -> None:
    docs = Blueprint("api_docs", __name__, url_prefix=f"{api_prefix}/docs")

    @docs.get("")
    def index() -> str:
        return render_template("api_docs.html", title=title, spec_url=url_for("api-docs.openapi_json"))

    @docs.get("/assets/<path:filename>")
    def asset(filename: str) -> Response:
        if filename not in ASSETS:
            raise NotFound()
        return send_from_directory(Path(swagger_ui_path), filename, max_age=86400)

    app.register_blueprint(docs)
