"""A stand-in for the ``brainhub`` command the scheduler starts, for tests of scheduling.

Each start appends one JSON line to ``$FAKE_BRAINHUB_LOG``: its arguments and the
``BRAINHUB_*`` variables it was given. It then exits with the code written in
``$FAKE_BRAINHUB_EXIT`` (a file; 0 when absent), or, with ``$FAKE_BRAINHUB_HOLD`` set, waits
for SIGTERM, logs ``{"signal": "SIGTERM"}`` and exits 143.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType


def _log(entry: dict[str, object]) -> None:
    with open(os.environ["FAKE_BRAINHUB_LOG"], "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def _stop(_signum: int, _frame: FrameType | None) -> None:
    _log({"signal": "SIGTERM"})
    sys.exit(143)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    variables = {k: v for k, v in os.environ.items() if k.startswith("BRAINHUB_")}
    _log({"args": sys.argv[1:], "env": variables})
    if os.environ.get("FAKE_BRAINHUB_HOLD"):
        while True:
            time.sleep(0.05)
    code_file = Path(os.environ.get("FAKE_BRAINHUB_EXIT", "/nonexistent"))
    sys.exit(int(code_file.read_text()) if code_file.exists() else 0)


if __name__ == "__main__":
    main()
