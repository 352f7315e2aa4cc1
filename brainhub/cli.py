"""The ``brainhub`` command: connectors, sandbox, demo. A thin layer over the library."""

from __future__ import annotations

import click

from brainhub.sandbox.cli import sandbox


@click.group()
@click.version_option(package_name="brainhub")
def main() -> None:
    """brainhub: connect ClickUp and the tools around it to a warehouse and to each other."""


main.add_command(sandbox)
