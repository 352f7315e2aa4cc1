"""The Singer loop every queue target shares: SCHEMA, RECORD and STATE from stdin; a batch
is written and confirmed by the :class:`Writer` before the STATE after it is printed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, Protocol

from brainhub.errors import BrainhubError, SettingsError
from brainhub.plugin_cli import fail
from taps.queues.singer_io import read_json_file, setting, write


class Writer(Protocol):
    """What a target does with the records: buffer them, write and confirm them on flush."""

    def schema(self, stream: str, schema: dict[str, Any], key_properties: list[str]) -> None:
        """A stream's SCHEMA arrived."""

    def add(self, stream: str, record: dict[str, Any]) -> None:
        """Buffer one record."""

    def flush(self) -> int:
        """Write every buffered record and wait until the server confirmed them; how many."""
        ...

    def close(self) -> None:
        """Release connections."""


def run_target(name: str, make_writer: Callable[[dict[str, Any]], Writer]) -> None:
    """Run the target: ``--config`` files, Singer messages on stdin, STATE after confirmation."""
    parser = argparse.ArgumentParser(prog=name)
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--about", action="store_true")
    args = parser.parse_args()
    if args.about:
        write({"name": name, "capabilities": []})
        return
    try:
        config: dict[str, Any] = {}
        for path in args.config:
            config.update(read_json_file(path, "config"))
        batch_size = setting(config, "batch_size", int, 500)
        writer = make_writer(config)
        try:
            _consume(writer, batch_size)
        finally:
            writer.close()
    except BrainhubError as exc:
        fail(name, str(exc))


def _consume(writer: Writer, batch_size: int) -> None:
    known: set[str] = set()
    buffered = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"input line {number}: not a Singer message ({exc.msg})") from None
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "SCHEMA":
            writer.schema(message["stream"], message["schema"], message.get("key_properties") or [])
            known.add(message["stream"])
        elif kind == "RECORD":
            stream = message.get("stream")
            if stream not in known:
                raise SettingsError(
                    f"input line {number}: RECORD of stream {stream!r} before its SCHEMA"
                )
            writer.add(stream, message["record"])
            buffered += 1
            if buffered >= batch_size:
                writer.flush()
                buffered = 0
        elif kind == "STATE":
            writer.flush()
            buffered = 0
            # a target prints the STATE's value itself, as Meltano expects
            sys.stdout.write(json.dumps(message.get("value")) + "\n")
            sys.stdout.flush()
    writer.flush()


def encode_field(value: Any) -> str:
    """A record's value as one text field: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
