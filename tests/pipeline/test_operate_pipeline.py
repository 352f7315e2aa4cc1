"""Runs recorded from inside the plugins: a plain ``meltano run`` and ``brainhub run`` (plain
lines, a throttled sync's progress, a terminal's bars) land in ``brainhub runs`` with the
warehouse's counts; a failed run says why."""

from __future__ import annotations

import json
import os
import pty
import subprocess

import pytest

from tests.pipeline.conftest import BIN, MeltanoProject

pytestmark = [pytest.mark.pipeline]

TINY = "sandbox://clickup?size=tiny&seed=1"


def recorded_runs(project: MeltanoProject) -> list[dict]:
    return [json.loads(line) for line in project.brainhub("runs", "--json").stdout.splitlines()]


def brainhub_run(project: MeltanoProject, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "brainhub"), "run", "tap-clickup", "target-duckdb"],
        cwd=project.root,
        env=project.env(XDG_CONFIG_HOME=str(project.root / "config"), **env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def assert_counts_match_the_warehouse(project: MeltanoProject, run: dict) -> None:
    warehouse = project.counts("raw_clickup")
    assert warehouse, "nothing was loaded"
    loaded = {s: c["inserted"] + c["updated"] for s, c in run["streams"].items()}
    assert loaded == warehouse
    assert {s: c["read"] for s, c in run["streams"].items()} == warehouse
    assert all(c["requests"] > 0 for c in run["streams"].values())


def forget_the_last_sync(project: MeltanoProject) -> None:
    project.warehouse.unlink()
    (project.root / ".meltano" / "meltano.db").unlink()


def test_plain_meltano_run_then_a_throttled_brainhub_run(meltano_project: MeltanoProject) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    (plain,) = recorded_runs(meltano_project)
    assert (plain["integration"], plain["trigger"], plain["status"]) == (
        "tap-clickup→target-duckdb",
        "manual",
        "success",
    )
    assert plain["environment"] == "sandbox"
    assert plain["error"] is None
    assert_counts_match_the_warehouse(meltano_project, plain)

    forget_the_last_sync(meltano_project)
    result = brainhub_run(
        meltano_project,
        TAP_CLICKUP_BASE_URL=f"{TINY}&rate_limit=20/1s",
        BRAINHUB_PROGRESS_SECONDS="0.3",
    )
    assert result.returncode == 0, result.stderr[-4000:]
    progress = [line for line in result.stderr.splitlines() if "progress: " in line]
    assert progress, "no progress line"
    assert any("for the rate limit" in line for line in progress), progress
    assert "METRIC" not in result.stderr
    newest = recorded_runs(meltano_project)[0]
    assert newest["id"] != plain["id"]
    assert newest["status"] == "success"
    assert_counts_match_the_warehouse(meltano_project, newest)
    # The tap keeps under the emulator's limit by waiting, as its headers ask.
    assert sum(c["waited"] for c in newest["streams"].values()) > 0
    # The summary table: one row per stream with what the store holds.
    assert f"tap-clickup→target-duckdb: success (run {newest['id'][:8]}" in result.stdout
    tasks = newest["streams"]["tasks"]
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("tasks "))
    assert row[1:4] == [str(tasks["read"]), str(tasks["inserted"]), str(tasks["updated"])]


def test_a_failed_run_shows_its_error(meltano_project: MeltanoProject) -> None:
    result = brainhub_run(
        meltano_project,
        TAP_CLICKUP_BASE_URL=TINY,
        TAP_CLICKUP_API_TOKEN="pk_0_WRONGWRONGWRONGWRONGWRONGWRONG00",
    )
    assert result.returncode != 0
    (run,) = recorded_runs(meltano_project)
    assert run["status"] == "failed"
    assert "rejected the token" in run["error"]
    assert f"error: {run['error'].splitlines()[0]}" in result.stdout
    shown = meltano_project.brainhub("runs", "show", run["id"][:8]).stdout
    assert "status       failed" in shown
    assert "rejected the token" in shown
    assert "Traceback (most recent call last)" in shown
    status = [
        json.loads(line)
        for line in meltano_project.brainhub("status", "--json").stdout.splitlines()
    ]
    pipeline = next(s for s in status if s["name"] == "tap-clickup→target-duckdb")
    assert pipeline["last_run"]["status"] == "failed"


def run_in_a_terminal(project: MeltanoProject, args: list[str], **env: str) -> tuple[int, str]:
    """Run a command on a pseudo-terminal; its exit code and everything it drew."""
    environment = project.env(TERM="xterm-256color", COLUMNS="160", **env)
    environment.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its stdin, stdout and stderr
        os.chdir(project.root)
        os.execve(args[0], args, environment)  # noqa: S606 - a fixed command of ours
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_brainhub_run_draws_progress_bars_on_a_terminal(meltano_project: MeltanoProject) -> None:
    code, drawn = run_in_a_terminal(
        meltano_project,
        [str(BIN / "brainhub"), "run", "tap-clickup", "target-duckdb"],
        TAP_CLICKUP_BASE_URL=TINY,
        XDG_CONFIG_HOME=str(meltano_project.root / "config"),
    )
    assert code == 0, drawn[-3000:]
    assert "━" in drawn  # rich's bars
    assert "tap-clickup→target-duckdb" in drawn
    assert "tap-clickup→target-duckdb: success (run" in drawn
    assert "Block run completed" not in drawn  # Meltano's log went to the file instead
    log = next((meltano_project.root / "data" / "logs").glob("run-*.log"))
    assert "Block run completed" in log.read_text()
    (run,) = recorded_runs(meltano_project)
    assert_counts_match_the_warehouse(meltano_project, run)
