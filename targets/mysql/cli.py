"""Entry point of ``target-mysql``: the Singer SDK's command line, errors as one line."""

from __future__ import annotations

from brainhub.plugin_cli import run_sdk_cli
from targets.mysql.target import TargetMySQL

EXECUTABLE = "target-mysql"


def main(argv: list[str] | None = None) -> None:
    """Run target-mysql; exit 0 when done, 1 after a one-line error (a config file that is
    missing or not JSON, a setting, the server's refusal)."""
    run_sdk_cli(TargetMySQL, EXECUTABLE, argv)
