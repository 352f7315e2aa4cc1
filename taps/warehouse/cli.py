"""Entry point of ``tap-warehouse``: the Singer SDK's command line, errors as one line.

``--about``, ``--discover``, ``--catalog``, ``--state`` and ``--test`` work as for every SDK
tap. A setting, table, column or query the tap cannot use ends the run with one line on
stderr naming the stream and exit code 1, never a traceback.
"""

from __future__ import annotations

from brainhub.plugin_cli import run_sdk_cli
from taps.warehouse.tap import TapWarehouse

EXECUTABLE = "tap-warehouse"


def main(argv: list[str] | None = None) -> None:
    """Run tap-warehouse; exit 0 when done, 1 after a one-line error."""
    run_sdk_cli(TapWarehouse, EXECUTABLE, argv)
