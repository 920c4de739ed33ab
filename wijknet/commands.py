"""What the node's and the hub's commands share: friendly errors and one transaction per command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from federation.delivery.client import DeliveryError
from federation.protocol.keys import KeyFileError
from wijknet.errors import DomainError, InvalidInput
from wijknet.web.backup import BackupError
from wijknet.web.config import ConfigError


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show configuration, key, backup, hub and domain errors as a message, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DeliveryError as exc:
            raise click.ClickException(f"The hub: {exc}") from None
        except InvalidInput as exc:
            details = "".join(f"\n  {e.field}: {e.message}" for e in exc.errors)
            raise click.ClickException(f"{exc.detail}{details}") from None
        except (ConfigError, DomainError, KeyFileError, BackupError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@contextmanager
def transaction(app: Flask, db: SQLAlchemy) -> Iterator[None]:
    """One command, one transaction; the connections are closed afterwards."""
    with app.app_context():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
            db.engine.dispose()
