"""Entry point of ``tap-files``: the Singer SDK's command line, errors as one line.

``--about``, ``--discover``, ``--catalog``, ``--state`` and ``--test`` work as for every SDK
tap. A setting, location or file the tap cannot use ends the run with one line on stderr
naming the setting, stream or file, and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys

from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import BrainhubError
from brainhub.singer_messages import check_input_files
from taps.files.tap import TapFiles

EXECUTABLE = "tap-files"


def main(argv: list[str] | None = None) -> None:
    """Run tap-files; exit 0 when done, 1 after a one-line error."""
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        TapFiles.cli.main(args=args, prog_name=EXECUTABLE, standalone_mode=True)
    except ConfigValidationError as exc:
        _fail(f"invalid settings: {'; '.join(exc.errors) or exc}")
    except BrainhubError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot reach the files: {exc}")


def _fail(message: str) -> None:
    sys.stdout.flush()
    print(f"{EXECUTABLE}: {message}", file=sys.stderr)
    sys.exit(1)
