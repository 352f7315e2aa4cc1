"""Running a tap executable as Meltano does (a subprocess) and reading what it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent

Messages = list[dict[str, Any]]


def run_tap(
    service: str,
    tmp_path: Path,
    config: dict[str, Any],
    state: dict[str, Any] | None = None,
    timeout: float = 180,
) -> tuple[Messages, str, int]:
    """``tap-<service> --config … [--state …]``: (Singer messages, stderr, exit code)."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [str(BIN / f"tap-{service}"), "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return messages, done.stderr, done.returncode


def records(messages: Messages, stream: str | None = None) -> list[dict[str, Any]]:
    """The records of one stream (or of all)."""
    return [
        m["record"]
        for m in messages
        if m["type"] == "RECORD" and (stream is None or m["stream"] == stream)
    ]


def record_counts(messages: Messages) -> dict[str, int]:
    """Records per stream."""
    return dict(Counter(m["stream"] for m in messages if m["type"] == "RECORD"))


def final_state(messages: Messages) -> dict[str, Any]:
    """The value of the last STATE message."""
    return [m for m in messages if m["type"] == "STATE"][-1]["value"]


def moment(text: str) -> datetime:
    """An ISO 8601 timestamp (``Z`` allowed) as a datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class SyncOutput:
    """What one in-process sync wrote: records by stream and the last state."""

    def __init__(self, output: str) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.state: dict[str, Any] = {}
        for line in output.splitlines():
            if not line.startswith("{"):
                continue
            message = json.loads(line)
            if message["type"] == "RECORD":
                self.records.setdefault(message["stream"], []).append(message["record"])
            elif message["type"] == "STATE":
                self.state = message["value"]

    def counts(self) -> dict[str, int]:
        return {stream: len(records) for stream, records in self.records.items()}

    def bookmarks(self, stream: str, key: str) -> dict[str, str]:
        """Each partition's bookmark of ``stream``, by the context value ``key``."""
        partitions = self.state["bookmarks"][stream]["partitions"]
        return {p["context"][key]: p["replication_key_value"] for p in partitions}
