"""One commit per request, at the edge: services only flush."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask.views import MethodView

from node.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def commits(view: F) -> F:
    """Commit when the view returns, roll back when it raises."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = view(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapper  # type: ignore[return-value]


class ApiView(MethodView):
    """A resource view whose every method runs in one transaction."""

    decorators = [commits]
