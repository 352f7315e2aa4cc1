"""Entry point of ``tap-files``: the Singer SDK's command line, errors as one line.

``--about``, ``--discover``, ``--catalog``, ``--state`` and ``--test`` work as for every SDK
tap. A setting, location or file the tap cannot use ends the run with one line on stderr
naming the setting, stream or file, and exit code 1, never a traceback.
"""

from __future__ import annotations

from brainhub.plugin_cli import run_sdk_cli
from taps.files.tap import TapFiles

EXECUTABLE = "tap-files"


def main(argv: list[str] | None = None) -> None:
    """Run tap-files; exit 0 when done, 1 after a one-line error."""
    run_sdk_cli(TapFiles, EXECUTABLE, argv, os_error="cannot reach the files")
