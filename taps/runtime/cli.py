"""Entry point of every ``tap-<service>`` executable: the executable's name picks the spec.

``tap-clickup --config c.json --discover`` loads ``taps/clickup/spec.yaml`` and runs the tap
built from it through the Singer SDK's own command line (``--about``, ``--discover``,
``--catalog``, ``--state``, ``--test``…). Errors the user can fix are printed as one line,
without a traceback, and exit non-zero.
"""

from __future__ import annotations

import os
import sys

import requests

from brainhub.errors import BrainhubError
from taps.runtime.redaction import redact
from taps.runtime.registry import load_connector, service_for_executable
from taps.runtime.tap import tap_class


def main(argv: list[str] | None = None) -> None:
    """Run the tap named by the executable (``tap-clickup`` → ``clickup``)."""
    executable = os.path.basename(sys.argv[0])
    args = sys.argv[1:] if argv is None else argv
    try:
        tap = tap_class(load_connector(service_for_executable(executable)))
        tap.cli.main(args=args, prog_name=executable, standalone_mode=True)
    except BrainhubError as exc:
        _fail(executable, str(exc))
    except requests.exceptions.RequestException as exc:
        _fail(executable, f"request failed: {type(exc).__name__}")


def _fail(executable: str, message: str) -> None:
    prefix = f"{executable}: "
    message = redact(message)
    print(message if message.startswith(prefix) else prefix + message, file=sys.stderr)
    sys.exit(1)
