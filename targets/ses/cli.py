"""Entry point of ``target-ses``: the Singer SDK's command line, errors as one line."""

from __future__ import annotations

from brainhub.plugin_cli import run_sdk_cli
from targets.ses.target import TargetSES

EXECUTABLE = "target-ses"


def main(argv: list[str] | None = None) -> None:
    """Run target-ses; exit 0 when every email was sent, 1 after a one-line error or rejects."""
    run_sdk_cli(TargetSES, EXECUTABLE, argv)
