"""The command line of a plugin built on the Singer SDK, with errors as one line.

The SDK's own ``cli`` prints a traceback for a setting it refuses and for our errors; a
console script of ours runs it through :func:`run_sdk_cli` instead, so a missing or broken
input file, a refused setting or any :class:`~brainhub.errors.BrainhubError` ends the run
with ``<executable>: <what is wrong>`` on stderr and exit code 1.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import BrainhubError
from brainhub.singer_messages import check_input_files


def run_sdk_cli(
    plugin: Any, executable: str, argv: list[str] | None = None, *, os_error: str | None = None
) -> None:
    """Run ``plugin``'s SDK command line as ``executable`` with ``argv`` (default: this
    process's arguments). With ``os_error`` an :class:`OSError` (a store or server that
    cannot be reached) is one line too, ``<os_error>: <its text>``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        plugin.cli.main(args=args, prog_name=executable, standalone_mode=True)
    except ConfigValidationError as exc:
        fail(executable, f"invalid settings: {'; '.join(exc.errors) or exc}")
    except BrainhubError as exc:
        fail(executable, str(exc))
    except OSError as exc:
        if os_error is None:
            raise
        fail(executable, f"{os_error}: {exc}")


def fail(executable: str, message: str) -> NoReturn:
    """End the run: what was written so far, then ``<executable>: <message>``, exit 1."""
    sys.stdout.flush()
    print(f"{executable}: {message}", file=sys.stderr)
    sys.exit(1)
