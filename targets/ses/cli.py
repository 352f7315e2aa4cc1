"""Entry point of ``target-ses``: the Singer SDK's command line, errors as one line."""

from __future__ import annotations

import sys

from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import BrainhubError
from brainhub.singer_messages import check_input_files
from targets.ses.target import TargetSES

EXECUTABLE = "target-ses"


def main(argv: list[str] | None = None) -> None:
    """Run target-ses; exit 0 when every email was sent, 1 after a one-line error or rejects."""
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        TargetSES.cli.main(args=args, prog_name=EXECUTABLE, standalone_mode=True)
    except ConfigValidationError as exc:
        _fail(f"invalid settings: {'; '.join(exc.errors) or exc}")
    except BrainhubError as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    sys.stdout.flush()
    print(f"{EXECUTABLE}: {message}", file=sys.stderr)
    sys.exit(1)
