"""The Singer side every queue tap shares: arguments, settings, messages, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import msgspec

from brainhub.errors import BrainhubError, SettingsError


def read_json_file(path: str | None, what: str) -> dict[str, Any]:
    """The JSON object in ``path`` (``{}`` when no path); a :class:`SettingsError` naming it."""
    if not path:
        return {}
    try:
        loaded = json.loads(Path(path).read_text() or "{}")
    except OSError as exc:
        raise SettingsError(f"{what} file {path}: cannot read it ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{what} file {path}: line {exc.lineno}: not JSON ({exc.msg})"
        ) from None
    if not isinstance(loaded, dict):
        raise SettingsError(f"{what} file {path}: expected a JSON object")
    return loaded


def _encode_other(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat else str(value)


_encoder = msgspec.json.Encoder(enc_hook=_encode_other, decimal_format="number")


def write(message: Mapping[str, Any], *, flush: bool = True) -> None:
    """Print one Singer message; flush, so the target sees it (and all before it) at once.

    RECORD messages are written without a flush: they reach the target with the next STATE
    (or once the output buffer is full), which is all a target commits by, and a flush per
    record would cost a system call each. Values JSON cannot hold (NaN, infinities) are
    written as null, dates and times in ISO 8601, decimals as numbers, anything else
    unknown as its text.
    """
    sys.stdout.write(_encoder.encode(message).decode() + "\n")
    if flush:
        sys.stdout.flush()


def write_schema(stream: str, schema: Mapping[str, Any], key_properties: list[str]) -> None:
    """A SCHEMA message."""
    write({"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": key_properties})


def write_record(stream: str, record: Mapping[str, Any], time_extracted: str | None = None) -> None:
    """A RECORD message stamped with the time it was read (``time_extracted``, else now)."""
    message = {"type": "RECORD", "stream": stream, "record": record}
    message["time_extracted"] = time_extracted or now_iso()
    write(message, flush=False)


def write_state(state: Mapping[str, Any]) -> None:
    """A STATE message."""
    write({"type": "STATE", "value": state})


def now_iso() -> str:
    """The current UTC time in ISO 8601."""
    return datetime.now(UTC).isoformat()


def setting(config: Mapping[str, Any], name: str, kind: type, default: Any = None) -> Any:
    """Setting ``name`` of type ``kind`` (``default`` when absent); one line when it is wrong."""
    value = config.get(name)
    if value is None or value == "":
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {str: "a string", int: "a whole number", float: "a number", list: "a list"}
        raise SettingsError(
            f"setting {name!r}: expected {names.get(kind, kind.__name__)}, got {value!r}"
        )
    return value


def run_tap(name: str, body: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
    """Parse ``--config``/``--state`` (``--catalog`` is accepted and ignored), run ``body``.

    Any :class:`BrainhubError`, or an error of the client library listed by the tap, ends the
    run with one line on stderr and exit 1.
    """
    parser = argparse.ArgumentParser(prog=name)
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--state")
    parser.add_argument("--catalog")
    parser.add_argument("--about", action="store_true")
    args = parser.parse_args()
    if args.about:
        write({"name": name, "capabilities": ["state"]})
        return
    try:
        config: dict[str, Any] = {}
        for path in args.config:
            config.update(read_json_file(path, "config"))
        body(config, read_json_file(args.state, "state"))
    except BrainhubError as exc:
        fail(name, str(exc))


def fail(name: str, message: str) -> NoReturn:
    """One line on stderr, exit 1."""
    sys.stdout.flush()
    print(f"{name}: {message}", file=sys.stderr)
    sys.exit(1)
