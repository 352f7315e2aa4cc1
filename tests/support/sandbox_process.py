"""``brainhub sandbox serve <service>`` in a process of its own, on a given state directory:
what tests of writes that outlive the process start a second emulator with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brainhub.sandbox import state


def _brainhub() -> list[str]:
    script = Path(sys.executable).parent / "brainhub"
    return [str(script)] if script.exists() else [sys.executable, "-m", "brainhub.cli"]


@contextmanager
def serve_in_process(service: str, state_dir: Path) -> Iterator[dict[str, Any]]:
    """Serve ``service`` at ``--size tiny`` with the rate limit raised; yields the line the
    command prints (``base_url``, ``credentials``); the process is stopped on exit."""
    env = {**os.environ, state.STATE_DIR_ENV: str(state_dir)}
    command = [*_brainhub(), "sandbox", "serve", service, "--size", "tiny", "--rate-limit"]
    process = subprocess.Popen(
        [*command, "100000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        yield json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.communicate(timeout=10)
