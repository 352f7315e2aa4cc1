"""Every Singer executable of the project answers a broken --config, --state or --catalog
file with one line naming the option, the file and what is wrong — never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from taps.files.cli import main as tap_files
from taps.runtime.cli import main as tap_runtime
from taps.warehouse.cli import main as tap_warehouse
from targets.files.cli import main as target_files
from targets.runtime.cli import main as target_runtime
from targets.ses.cli import main as target_ses

EXECUTABLES: dict[str, Callable[[list[str]], None]] = {
    "tap-clickup": tap_runtime,
    "tap-files": tap_files,
    "tap-warehouse": tap_warehouse,
    "target-clickup": target_runtime,
    "target-files": target_files,
    "target-ses": target_ses,
}


@pytest.mark.parametrize("executable", sorted(EXECUTABLES))
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"path": 1', "not valid JSON (line 1, column 11: Expecting ',' delimiter)"),
        (None, "no such file"),
    ],
)
def test_a_broken_input_file_is_one_line(
    executable: str,
    content: str | None,
    problem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.json"
    if content is not None:
        config.write_text(content)
    monkeypatch.setattr(sys, "argv", [executable])
    with pytest.raises(SystemExit) as caught:
        EXECUTABLES[executable](["--config", str(config)])
    assert caught.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err == f"{executable}: --config {config}: {problem}"
