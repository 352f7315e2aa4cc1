"""A sync whose warehouse is locked says that it waits, instead of hanging silently."""

from __future__ import annotations

import sys

import pytest

from brainhub.sync.refresh import _pipe

WAITING = (
    "2026-01-01T00:00:00Z [info] Waiting up to 300 s for the warehouse lock on "
    "data/sandbox.duckdb held by PID 4242 (python)"
)


def test_the_targets_wait_for_the_warehouse_lock_is_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tap = [sys.executable, "-c", "pass"]
    target = [sys.executable, "-c", f"import sys; print({WAITING!r}, file=sys.stderr)"]
    seen, state = _pipe(tap, target, "tasks", "id", "clickup")
    assert (seen, state) == ([], None)
    err = capsys.readouterr().err
    assert (
        "clickup: Waiting up to 300 s for the warehouse lock on data/sandbox.duckdb "
        "held by PID 4242 (python)"
    ) in err


def test_other_target_lines_stay_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    tap = [sys.executable, "-c", "pass"]
    target = [sys.executable, "-c", "import sys; print('loaded 3 rows', file=sys.stderr)"]
    _pipe(tap, target, "tasks", "id", "clickup")
    assert "loaded 3 rows" not in capsys.readouterr().err
