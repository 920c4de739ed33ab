"""One commit per request, at the edge: services only flush.

Node and hub each have their own Flask-SQLAlchemy instance; the one of the
app serving the request is `current_app.extensions["sqlalchemy"]`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app
from flask.views import MethodView

F = TypeVar("F", bound=Callable[..., Any])


def commits(view: F) -> F:
    """Commit when the view returns, roll back when it raises."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        session = current_app.extensions["sqlalchemy"].session
        try:
            result = view(*args, **kwargs)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    return wrapper  # type: ignore[return-value]


class ApiView(MethodView):
    """A resource view whose every method runs in one transaction."""

    decorators = [commits]
