"""What every `wijknet node ...` command needs: the instance option and the app."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from node.app import create_app
from node.config import CONFIG_FILENAME

instance_option = click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    envvar="WIJKNET_INSTANCE",
    help="The node's instance folder (or WIJKNET_INSTANCE).",
)


def load_app(instance: Path) -> Flask:
    if not (instance / CONFIG_FILENAME).exists():
        raise click.ClickException(f"{instance} is not a node instance; run `wijknet node init` first.")
    return create_app(instance, {"scheduler": False})
