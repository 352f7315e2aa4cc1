"""brainhub run hands the store's secrets to Meltano's environment and scrubs its output."""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from brainhub.secrets import injection
from tests.support.secret_project import SECRET, Project

#: Stands in for meltano: says what it was asked and prints the token it received.
FAKE_MELTANO = """#!{python}
import os, sys
print("args", sys.argv[1:])
print("token", os.environ.get("TAP_CLICKUP_API_TOKEN"))
print("token again", os.environ.get("TAP_CLICKUP_API_TOKEN"), file=sys.stderr)
with open("config.json", "w") as handle:
    handle.write("{{}}")
sys.exit(3)
"""


@pytest.fixture
def fake_meltano(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "meltano"
    script.write_text(FAKE_MELTANO.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setattr(injection, "meltano_executable", lambda: str(script))
    return script


def test_run_passes_the_secrets_and_arguments_and_never_prints_them(
    project: Project, fake_meltano: Path
) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", "-e", "prod", input=SECRET)
    result = project.brainhub("run", "-e", "prod", "tap-clickup", "target-duckdb", "--full-refresh")
    assert result.exit_code == 3  # meltano's own exit code
    assert (
        "args ['--environment=prod', 'run', 'tap-clickup', 'target-duckdb', '--full-refresh']"
        in (result.stdout)
    )
    assert "token <redacted>" in result.stdout  # it was there, in the child's environment
    assert "token again <redacted>" in result.stderr
    assert SECRET not in result.output


def test_what_meltano_writes_during_the_run_only_its_owner_reads(
    project: Project, fake_meltano: Path
) -> None:
    project.brainhub("run", "tap-clickup", "target-duckdb")
    assert stat.S_IMODE((project.root / "config.json").stat().st_mode) == 0o600


def test_run_without_a_store_needs_no_key(project: Project, fake_meltano: Path) -> None:
    result = project.brainhub("run", "tap-clickup", "target-duckdb")
    assert result.exit_code == 3, result.output
    assert "token None" in result.stdout


#: Stands in for meltano stopped by Ctrl-C: it exits 1 on SIGINT, as Meltano does.
STOPPED_MELTANO = """#!{python}
import signal, sys, time
signal.signal(signal.SIGINT, lambda *_: sys.exit(1))
print("ready", flush=True)
for _ in range(600):
    time.sleep(0.1)
sys.exit(0)
"""


def test_a_run_stopped_by_ctrl_c_exits_130_not_meltanos_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "meltano"
    script.write_text(STOPPED_MELTANO.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setattr(injection, "meltano_executable", lambda: str(script))

    def on_line(line: str, sink: object) -> None:
        if line.strip() == "ready":  # the handlers are in place: press Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)

    code = injection.run_meltano(tmp_path, "sandbox", ["tap-x", "target-y"], {}, on_line=on_line)
    assert code == 128 + signal.SIGINT
