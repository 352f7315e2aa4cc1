"""Entry point of ``target-files``: the Singer SDK's command line, errors as one line."""

from __future__ import annotations

from brainhub.plugin_cli import run_sdk_cli
from targets.files.target import TargetFiles

EXECUTABLE = "target-files"


def main(argv: list[str] | None = None) -> None:
    """Run target-files; exit 0 when done, 1 after a one-line error (setting, stream, file)."""
    run_sdk_cli(TargetFiles, EXECUTABLE, argv, os_error="cannot write the files")
