"""Entry point of ``tap-warehouse``: the Singer SDK's command line, errors as one line.

``--about``, ``--discover``, ``--catalog``, ``--state`` and ``--test`` work as for every SDK
tap. A setting, table, column or query the tap cannot use ends the run with one line on
stderr naming the stream and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys

from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import BrainhubError
from brainhub.singer_messages import check_input_files
from taps.warehouse.tap import TapWarehouse

EXECUTABLE = "tap-warehouse"


def main(argv: list[str] | None = None) -> None:
    """Run tap-warehouse; exit 0 when done, 1 after a one-line error."""
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        TapWarehouse.cli.main(args=args, prog_name=EXECUTABLE, standalone_mode=True)
    except ConfigValidationError as exc:
        _fail(f"invalid settings: {'; '.join(exc.errors) or exc}")
    except BrainhubError as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    sys.stdout.flush()
    print(f"{EXECUTABLE}: {message}", file=sys.stderr)
    sys.exit(1)
