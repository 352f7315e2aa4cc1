"""``python scheduler_driver.py PROJECT``: the scheduler's foreground loop (as ``brainhub
scheduler`` runs it) with :mod:`tests.support.fake_brainhub` as the command it starts, for
tests that send it signals."""

from __future__ import annotations

import sys
from pathlib import Path

from brainhub.operate.scheduler.core import Scheduler
from brainhub.operate.scheduler.process import ProcessLauncher, configure_logging, serve

FAKE = Path(__file__).with_name("fake_brainhub.py")


def main() -> None:
    root = Path(sys.argv[1])
    configure_logging()
    launcher = ProcessLauncher(root, "sandbox", command=[sys.executable, str(FAKE)])
    serve(Scheduler(root, launcher), stop_timeout=20, poll_s=0.05)


if __name__ == "__main__":
    main()
