"""Run the Jira conformance test with many generated examples per operation.

    .venv/bin/python scripts/conformance_jira.py [EXAMPLES]   # default 100

The suite runs 3 examples per served GET operation (tests/emulated/
test_jira_conformance.py); this runs the same test with EXAMPLES each, against the
vendor's platform and agile documents in ../shared/apis/jira.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/emulated/test_jira_conformance.py"


def main(argv: list[str]) -> int:
    examples = argv[0] if argv else "100"
    if not examples.isdigit() or int(examples) < 1:
        print(f"EXAMPLES must be a whole number >= 1, got {examples!r}", file=sys.stderr)
        return 2
    env = {**os.environ, "BRAINHUB_CONFORMANCE_EXAMPLES": examples}
    command = [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider"]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
