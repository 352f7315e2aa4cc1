"""Refreshing a side: its tap, incrementally, into ``raw_<connector>`` through target-duckdb.

``tap-<connector> | target-duckdb`` run as Meltano runs them (two processes joined by a
pipe), reading only the side's stream. The tap's bookmark is the sync's own
(``sync_<name>._tap_state``), so each run reads what changed since the last one. A side
read whole (``full_read``) starts without a bookmark every time, and the ids the tap
returned are kept (``sync_<name>._seen``): a linked record not among them was deleted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from brainhub.errors import BrainhubError
from brainhub.sync.connections import Connections
from brainhub.sync.definition import Side
from brainhub.sync.store import SyncStore

LOGGER = logging.getLogger("brainhub.sync")
BIN = Path(sys.executable).parent


class RefreshError(BrainhubError):
    """A side's tap or its load failed; the message has their last error line."""


def catalog_for(connector: str, stream: str) -> dict[str, Any]:
    """The tap's catalog with only ``stream`` selected (its parents are still walked)."""
    from taps.runtime.registry import load_connector
    from taps.runtime.tap import tap_class

    quiet = logging.getLogger(f"tap-{connector}")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # discovery needs no settings: no warning that they lack
    try:
        tap = tap_class(load_connector(connector))(config={}, validate_config=False)
        catalog = tap.catalog_dict
    finally:
        quiet.setLevel(level)
    for entry in catalog["streams"]:
        chosen = entry["tap_stream_id"] == stream
        for item in entry.get("metadata", []):
            if item.get("breadcrumb") == []:
                item["metadata"]["selected"] = chosen
    return dict(catalog)


def refresh_side(side: Side, connections: Connections, store: SyncStore) -> int:
    """Read one side into the warehouse; the number of records read."""
    connector = side.connector
    stream = side.object.stream
    settings = {
        **connections.tap_settings(connector),
        **side.object.tap_settings,
        **side.settings(),
    }
    state = None if side.full_read else store.tap_state(side.role)
    with tempfile.TemporaryDirectory(prefix="brainhub-sync-") as folder:
        tmp = Path(folder)
        files = {
            "tap.json": settings,
            "catalog.json": catalog_for(connector, stream),
            "target.json": {
                "path": str(connections.warehouse),
                "default_target_schema": f"raw_{connector}",
            },
        }
        if state:
            files["state.json"] = state
        for name, content in files.items():
            (tmp / name).write_text(json.dumps(content), encoding="utf-8")
            os.chmod(tmp / name, 0o600)
        tap_args = [str(BIN / f"tap-{connector}"), "--config", str(tmp / "tap.json")]
        if connections.parse_env:
            tap_args += ["--config", "ENV"]
        tap_args += ["--catalog", str(tmp / "catalog.json")]
        if state:
            tap_args += ["--state", str(tmp / "state.json")]
        target_args = [str(BIN / "target-duckdb"), "--config", str(tmp / "target.json")]
        seen, final_state = _pipe(tap_args, target_args, stream, side.object.id, connector)
    if final_state is not None and not side.full_read:
        store.save_tap_state(side.role, final_state)
    if side.full_read:
        store.save_seen(side.role, seen)
    return len(seen)


def _pipe(
    tap_args: list[str], target_args: list[str], stream: str, id_path: str, connector: str
) -> tuple[list[str], dict[str, Any] | None]:
    """Run tap → target, noting the ids of ``stream``'s records on the way."""
    tap = subprocess.Popen(tap_args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    target = subprocess.Popen(
        target_args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: dict[str, list[str]] = {"tap": [], "target": []}
    states: list[dict[str, Any]] = []
    readers = [
        threading.Thread(target=_lines_into, args=(tap.stderr, errors["tap"]), daemon=True),
        threading.Thread(
            target=_lines_into,
            args=(target.stderr, errors["target"], f"{connector}: "),
            daemon=True,
        ),
        threading.Thread(target=_states_into, args=(target.stdout, states), daemon=True),
    ]
    for reader in readers:
        reader.start()
    seen: list[str] = []
    assert tap.stdout is not None
    assert target.stdin is not None
    try:
        for line in tap.stdout:
            if '"RECORD"' in line:
                message = json.loads(line)
                if message.get("type") == "RECORD" and message.get("stream") == stream:
                    value = (message.get("record") or {}).get(id_path)
                    if value is not None:
                        seen.append(str(value))
            target.stdin.write(line)
    except BrokenPipeError:
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            target.stdin.close()
    tap_code = tap.wait()
    target_code = target.wait()
    for reader in readers:
        reader.join()
    for pipe in (tap.stdout, tap.stderr, target.stdout, target.stderr):
        if pipe is not None:
            pipe.close()
    for name, code in (("tap", tap_code), ("target", target_code)):
        if code != 0:
            program = f"tap-{connector}" if name == "tap" else "target-duckdb"
            last = next((line for line in reversed(errors[name]) if line.strip()), "")
            raise RefreshError(f"{program} exited {code} refreshing {connector}: {last.strip()}")
    final = states[-1] if states else None
    return seen, final


#: What a target logs while another process holds the warehouse (shown, not kept quiet).
_WAITING = "Waiting up to "


def _lines_into(stream: IO[str] | None, into: list[str], shown_as: str | None = None) -> None:
    """Keep the last lines of ``stream``; with ``shown_as``, a wait for the warehouse lock
    is also written to stderr at once (prefixed so), so a locked warehouse never looks
    like a hang."""
    if stream is None:
        return
    for line in stream:
        into.append(line)
        del into[:-20]
        if shown_as is not None and _WAITING in line and "warehouse lock" in line:
            sys.stderr.write(f"{shown_as}{line[line.index(_WAITING) :].rstrip()}\n")
            sys.stderr.flush()


def _states_into(stream: IO[str] | None, into: list[dict[str, Any]]) -> None:
    if stream is None:
        return
    for line in stream:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        into.append(message.get("value", message) if isinstance(message, dict) else message)
