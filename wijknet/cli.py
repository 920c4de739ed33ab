"""The `wijknet` command line: `wijknet node ...`, `wijknet hub ...`, `wijknet demo`.

Every command that prints something a script needs prints it last, as one
line of JSON, after any text meant for people.
"""

from __future__ import annotations

import sys

import click

from federation.hub.cli import hub_group
from node.cli import node_group
from wijknet import __version__
from wijknet.demo.command import demo_command


@click.group()
@click.version_option(__version__, prog_name="wijknet")
def main() -> None:
    """wijknet: neighbourhood cooperatives, their federation and the city hub."""


main.add_command(node_group)
main.add_command(demo_command)
main.add_command(hub_group)


if __name__ == "__main__":
    sys.exit(main())
