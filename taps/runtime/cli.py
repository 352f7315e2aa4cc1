"""Entry point of every ``tap-<service>`` executable: the executable's name picks the spec.

``tap-clickup --config c.json --discover`` loads ``taps/clickup/spec.yaml`` and runs the tap
built from it through the Singer SDK's own command line (``--about``, ``--discover``,
``--catalog``, ``--state``, ``--test``…). Errors the user can fix are printed as one line,
without a traceback, and exit non-zero; so are a stop signal (130, 143) and a target that
stopped reading (1).
"""

from __future__ import annotations

import os
import sys

import requests

from brainhub.errors import BrainhubError, SyncInterrupted
from brainhub.redaction import redact
from brainhub.singer_messages import check_input_files
from taps.runtime.registry import load_connector, service_for_executable
from taps.runtime.stopping import OutputClosed, install_signal_handlers, signal_received
from taps.runtime.tap import tap_class


def main(argv: list[str] | None = None) -> None:
    """Run the tap named by the executable (``tap-clickup`` → ``clickup``).

    Exit codes: 0 done, 1 an error (one line on stderr), 130/143 stopped by SIGINT/SIGTERM
    after writing the committed state (see :mod:`taps.runtime.stopping`).
    """
    executable = os.path.basename(sys.argv[0])
    args = sys.argv[1:] if argv is None else argv
    install_signal_handlers()
    try:
        check_input_files(args)
        tap = tap_class(load_connector(service_for_executable(executable)))
        tap.cli.main(args=args, prog_name=executable, standalone_mode=True)
    except SystemExit as exc:
        signum = signal_received()
        if signum is not None and not exc.code:
            _stopped(executable, SyncInterrupted(signum))
        raise
    except SyncInterrupted as exc:
        _stopped(executable, exc)
    except OutputClosed:
        print(
            f"{executable}: the target stopped reading this tap's output; its error is above "
            "or in its log",
            file=sys.stderr,
        )
        sys.exit(1)
    except BrainhubError as exc:
        _fail(executable, str(exc))
    except requests.exceptions.RequestException as exc:
        _fail(executable, f"request failed: {type(exc).__name__}")


def _stopped(executable: str, interrupted: SyncInterrupted) -> None:
    print(
        f"{executable}: {interrupted}; the last STATE written holds every finished bookmark, "
        "the next run resumes from it",
        file=sys.stderr,
    )
    sys.exit(interrupted.exit_code)


def _fail(executable: str, message: str) -> None:
    prefix = f"{executable}: "
    message = redact(message)
    print(message if message.startswith(prefix) else prefix + message, file=sys.stderr)
    sys.exit(1)
