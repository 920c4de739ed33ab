"""The `wijknet` command line: `wijknet node ...`, `wijknet hub ...`, `wijknet demo`.

Every command that prints something a script needs prints it last, as one
line of JSON, after any text meant for people.
"""

from __future__ import annotations

import sys

import click

from node.cli import node_group
from wijknet import __version__


@click.group()
@click.version_option(__version__, prog_name="wijknet")
def main() -> None:
    """wijknet: neighbourhood cooperatives, their federation and the city hub."""


main.add_command(node_group)


if __name__ == "__main__":
    sys.exit(main())
