"""Languages: Dutch by default, English on request, one catalogue for the node and the hub.

Texts in the code and templates are written in English and marked for
translation; `wijknet/translations/nl` holds the Dutch. A person picks a
language with the switch in the page header (kept in their session).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, redirect, request, session
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

from wijknet.web.routing import safe_next

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def select_language() -> str:
    """The language chosen with the switch, else Dutch.

    Not the browser's preference: many people here run an English browser
    and still expect their cooperative to speak Dutch.
    """
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def install_i18n(app: Flask) -> None:
    """Flask-Babel with our catalogue, the language switch, and the language in every template."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")  # times shown as people here live them
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_language)

    switch = Blueprint("language", __name__)

    @switch.get("/language/<code>")
    def choose(code: str) -> Response:
        if code in LANGUAGES:
            session["language"] = code
        return redirect(safe_next(request.args.get("next")) or "/")

    app.register_blueprint(switch)

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"current_language": current_language(), "language_names": LANGUAGE_NAMES}
