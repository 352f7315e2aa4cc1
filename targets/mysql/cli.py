"""Entry point of ``target-mysql``: the Singer SDK's command line, errors as one line."""

from __future__ import annotations

import sys

from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import BrainhubError
from brainhub.singer_messages import check_input_files
from targets.mysql.target import TargetMySQL

EXECUTABLE = "target-mysql"


def main(argv: list[str] | None = None) -> None:
    """Run target-mysql; exit 0 when done, 1 after a one-line error (a config file that is
    missing or not JSON, a setting, the server's refusal)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        TargetMySQL.cli.main(args=args, prog_name=EXECUTABLE, standalone_mode=True)
    except ConfigValidationError as exc:
        _fail(f"invalid settings: {'; '.join(exc.errors) or exc}")
    except BrainhubError as exc:
        _fail(str(exc))


def _fail(message: str) -> None:
    sys.stdout.flush()
    print(f"{EXECUTABLE}: {message}", file=sys.stderr)
    sys.exit(1)
