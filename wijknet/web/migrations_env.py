"""The body of an Alembic env.py for the node's and the hub's migrations (via Flask-Migrate)."""

from __future__ import annotations

import logging
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from flask import current_app
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("alembic.env")


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Write our column types (UTC instants, scaled decimals) as the plain types they store.

    A migration then describes the database only and never imports app code
    that may change later.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        autogen_context.imports.add(f"from sqlalchemy import {type(impl).__name__}")
        return repr(impl)
    return False


def run() -> None:
    """Run the migrations online, against the app's own engine."""
    config = context.config
    db = current_app.extensions["migrate"].db
    configure_args = dict(current_app.extensions["migrate"].configure_args)

    def skip_empty(ctx: Any, revision: Any, directives: list[Any]) -> None:
        # `flask db migrate` with no model change makes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    configure_args.setdefault("process_revision_directives", skip_empty)
    configure_args.setdefault("render_item", render_item)
    configure_args.setdefault("compare_type", True)

    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()
