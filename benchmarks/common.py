"""Shared pieces of the benchmarks: a served emulator in its own process, timing, peak memory."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / ".work"


@contextmanager
def served_emulator(
    service: str, *options: str, request_log: Path | None = None
) -> Iterator[dict[str, Any]]:
    """``brainhub sandbox serve`` in a subprocess; yields its announcement (base_url, credentials)."""
    args = [str(BIN / "brainhub"), "sandbox", "serve", service, *options]
    if request_log is not None:
        args += ["--request-log", str(request_log)]
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(WORK / "sandbox")}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        announcement = json.loads(process.stdout.readline())
        yield announcement
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def timed_subprocess(args: list[str], **kwargs: Any) -> tuple[float, int]:
    """Run a command; (wall seconds, its peak RSS in KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{args[0]} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss


def peak_rss_kib() -> int:
    """Peak RSS of this process so far, in KiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def selected_catalog(service: str, config: Path, select: Callable[[str], bool]) -> Path:
    """The tap's discovered catalog with only the streams ``select`` accepts selected."""
    out = subprocess.run(
        [str(BIN / f"tap-{service}"), "--config", str(config), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    catalog = json.loads(out)
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = select(stream["tap_stream_id"])
    path = WORK / f"tap-{service}-catalog.json"
    path.write_text(json.dumps(catalog))
    return path
