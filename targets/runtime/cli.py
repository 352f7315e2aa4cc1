"""Entry point of every ``target-<service>`` executable: the executable's name picks the spec.

``target-clickup --config c.json < records.singer`` loads ``taps/clickup/spec.yaml`` (the one
description of the service, read and write) and runs the target built from its ``writes:``
through the Singer SDK's own command line. Errors the user can fix are one line on stderr,
without a traceback, and exit 1; so do rejected records, after everything else was written.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import requests

from brainhub.errors import BrainhubError, ConfigError
from brainhub.redaction import redact
from brainhub.singer_messages import check_input_files
from brainhub.spec.loader import load_spec
from brainhub.spec.model import ConnectorSpec
from targets.runtime.target import target_class

#: Connector specs ship beside the tap runtime, one folder per service.
SPECS_DIR = Path(__file__).resolve().parents[2] / "taps"
SPEC_FILE = "spec.yaml"


def main(argv: list[str] | None = None) -> None:
    """Run the target named by the executable (``target-clickup`` → ``clickup``)."""
    executable = os.path.basename(sys.argv[0])
    args = sys.argv[1:] if argv is None else argv
    try:
        check_input_files(args)
        target = target_class(load_writer_spec(service_for_executable(executable)))
        target.cli.main(args=args, prog_name=executable, standalone_mode=True)
    except BrainhubError as exc:
        _fail(executable, str(exc))
    except requests.exceptions.RequestException as exc:
        _fail(executable, f"request failed: {type(exc).__name__}")


def service_for_executable(executable: str) -> str:
    """``target-clickup`` → ``clickup``."""
    name = executable.removesuffix(".exe")
    if not name.startswith("target-"):
        raise ConfigError(
            f"cannot tell the connector from the executable name {executable!r}; "
            "run it as target-<service>"
        )
    return name.removeprefix("target-").replace("-", "_")


def writer_services() -> list[str]:
    """Every service whose spec declares writes, sorted, as executables name them
    (``google-workspace``)."""
    return sorted(
        path.parent.name.replace("_", "-")
        for path in SPECS_DIR.glob(f"*/{SPEC_FILE}")
        if "\nwrites:" in path.read_text(encoding="utf-8")
    )


@cache
def load_writer_spec(service: str) -> ConnectorSpec:
    """The loaded, checked spec of ``service`` (``google-workspace`` names
    ``taps/google_workspace``); a ConfigError unless it declares writes."""
    path = SPECS_DIR / service.replace("-", "_") / SPEC_FILE
    if not path.is_file():
        raise ConfigError(
            f"no connector named {service!r} (connectors with writes: "
            f"{', '.join(writer_services()) or 'none'})"
        )
    spec = load_spec(path)
    if not spec.writes:
        raise ConfigError(
            f"the {service} connector declares no writes (connectors with writes: "
            f"{', '.join(writer_services()) or 'none'})"
        )
    return spec


def _fail(executable: str, message: str) -> None:
    prefix = f"{executable}: "
    message = redact(message)
    print(message if message.startswith(prefix) else prefix + message, file=sys.stderr)
    sys.exit(1)
