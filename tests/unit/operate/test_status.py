"""Integrations, their status and the commands that change it; ``brainhub runs`` and
``runs show`` over a store filled by hand; the run display with and without a terminal."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from brainhub.audit import AuditLog
from brainhub.cli import main
from brainhub.operate.display import RunDisplay, summary_lines
from brainhub.operate.record import RunStore
from brainhub.operate.schedule import ScheduleError, next_run
from brainhub.operate.status import integration_status, integrations, is_runnable

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "syncs").mkdir(parents=True)
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    (root / "syncs" / "tasks-both-ways.yaml").write_text("{}\n")
    monkeypatch.chdir(root)
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "BRAINHUB_ERROR_AFTER"):
        monkeypatch.delenv(name, raising=False)
    return root


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def add_run(store: RunStore, run_id: str, integration: str, *, error: str | None = None) -> None:
    for part in ("tap", "target"):
        store.begin(
            run_id, integration=integration, trigger="manual", environment="sandbox", part=part
        )
    store.write_counts(run_id, "tap", {"tasks": {"read": 31, "requests": 6}})
    store.write_counts(run_id, "target", {"tasks": {"inserted": 31}})
    store.finish_part(
        run_id, "tap", error=error, traceback="Traceback…\nRuntimeError: x" if error else None
    )
    store.finish_part(run_id, "target")


def test_integrations_are_jobs_syncs_and_pipelines_that_ran(project: Path) -> None:
    store = RunStore.of_project(project)
    add_run(store, "r1", "tap-jira→target-duckdb")
    found = {i.name: i for i in integrations(project, store)}
    assert found["clickup-to-duckdb"].kind == "job"
    assert found["clickup-to-duckdb"].schedules == {"clickup-hourly": "@hourly"}
    assert found["tasks-both-ways"].kind == "sync"
    assert found["tap-jira→target-duckdb"].kind == "pipeline"


def test_status_json_has_the_last_and_next_run(project: Path) -> None:
    add_run(RunStore.of_project(project), "r1", "clickup-to-duckdb")
    code, output = cli("status", "--json")
    assert code == 0, output
    by_name = {o["name"]: o for o in map(json.loads, output.splitlines())}
    clickup = by_name["clickup-to-duckdb"]
    assert clickup["status"] == "active"
    assert clickup["last_run"]["id"] == "r1"
    assert clickup["last_run"]["status"] == "success"
    assert datetime.fromisoformat(clickup["next_run"]).minute == 0
    assert clickup["records_24h"] == 31
    assert clickup["error_rate"] == 0
    assert set(clickup["freshness"]) == {"tasks"}
    assert by_name["tasks-both-ways"]["last_run"] is None


def test_failures_put_an_integration_in_error_and_a_success_brings_it_back(project: Path) -> None:
    store = RunStore.of_project(project)
    for n in range(3):
        add_run(store, f"f{n}", "clickup-to-duckdb", error="clickup: HTTP 500")
    status = {s.name: s for s in integration_status(project, store=store)}
    assert status["clickup-to-duckdb"].status == "error"
    assert status["clickup-to-duckdb"].error_rate == 1
    _code, output = cli("status")
    assert "clickup-to-duckdb [job] error after 3 failed runs" in output
    assert "error      clickup: HTTP 500" in output
    add_run(store, "ok", "clickup-to-duckdb")
    assert RunStore.of_project(project).integration_states()["clickup-to-duckdb"] == ("active", 0)


def test_pause_resume_disable_enable_are_audited(project: Path) -> None:
    assert cli("pause", "clickup-to-duckdb") == (0, "clickup-to-duckdb: active → paused\n")
    assert is_runnable(project, "clickup-to-duckdb")
    assert not is_runnable(project, "clickup-to-duckdb", scheduled=True)
    _code, output = cli("status", "--json")
    clickup = next(
        o for o in map(json.loads, output.splitlines()) if o["name"] == "clickup-to-duckdb"
    )
    assert (clickup["status"], clickup["next_run"]) == ("paused", None)
    assert cli("resume", "clickup-to-duckdb")[1] == "clickup-to-duckdb: paused → active\n"
    assert cli("disable", "tasks-both-ways")[1] == "tasks-both-ways: active → disabled\n"
    assert not is_runnable(project, "tasks-both-ways")
    assert cli("enable", "tasks-both-ways")[1] == "tasks-both-ways: disabled → active\n"
    entries = [
        (e.action, e.subject, e.before, e.after) for e in AuditLog.of_project(project).entries()
    ]
    assert entries == [
        ("integration.paused", "clickup-to-duckdb", "active", "paused"),
        ("integration.resumed", "clickup-to-duckdb", "paused", "active"),
        ("integration.disabled", "tasks-both-ways", "active", "disabled"),
        ("integration.enabled", "tasks-both-ways", "disabled", "active"),
    ]


def test_an_unknown_integration_is_one_line_naming_the_valid_ones(project: Path) -> None:
    code, output = cli("pause", "clickup-to-duckd")
    assert code == 1
    assert output.startswith("Error: no integration 'clickup-to-duckd'; the project's")
    assert "clickup-to-duckdb" in output
    assert "Traceback" not in output


def test_a_disabled_integration_does_not_run(project: Path) -> None:
    cli("disable", "clickup-to-duckdb")
    code, output = cli("run", "clickup-to-duckdb")
    assert code == 1
    assert "clickup-to-duckdb is disabled; `brainhub enable clickup-to-duckdb`" in output


def test_runs_json_and_show(project: Path) -> None:
    store = RunStore.of_project(project)
    add_run(store, "aaaa1111", "clickup-to-duckdb")
    add_run(store, "bbbb2222", "tap-jira→target-duckdb", error="jira: HTTP 401 on /search")
    code, output = cli("runs", "--json")
    assert code == 0, output
    runs = [json.loads(line) for line in output.splitlines()]
    assert [r["id"] for r in runs] == ["bbbb2222", "aaaa1111"]
    for key in ("integration", "trigger", "status", "started_at", "finished_at", "error"):
        assert key in runs[0]
    assert runs[0]["streams"]["tasks"]["read"] == 31
    assert runs[0]["streams"]["tasks"]["inserted"] == 31
    assert runs[0]["error"] == "jira: HTTP 401 on /search"
    assert [
        json.loads(x)["id"]
        for x in cli("runs", "--json", "--integration", "clickup-to-duckdb")[1].splitlines()
    ] == ["aaaa1111"]
    code, output = cli("runs", "show", "bbbb")
    assert code == 0, output
    assert "status       failed" in output
    assert "error: jira: HTTP 401 on /search" in output
    assert "RuntimeError: x" in output
    assert cli("runs", "show", "cccc")[0] == 1
    assert "aaaa1111"[:8] in cli("runs")[1]


def test_next_run_of_schedules() -> None:
    now = datetime(2026, 1, 1, 10, 15, tzinfo=UTC)  # a Thursday
    assert next_run("@hourly", now) == datetime(2026, 1, 1, 11, 0, tzinfo=UTC)
    assert next_run("@daily", now) == datetime(2026, 1, 2, 0, 0, tzinfo=UTC)
    assert next_run("*/20 * * * *", now) == datetime(2026, 1, 1, 10, 20, tzinfo=UTC)
    assert next_run("30 2 * * 6", now) == datetime(2026, 1, 3, 2, 30, tzinfo=UTC)
    assert next_run("@once", now) is None
    with pytest.raises(ScheduleError, match="five cron fields"):
        next_run("every hour", now)


def test_the_display_draws_bars_under_a_terminal_and_passes_lines_otherwise(
    project: Path,
) -> None:
    store = RunStore.of_project(project)
    store.begin(
        "r1",
        integration="clickup-to-duckdb",
        trigger="manual",
        environment="sandbox",
        part="tap",
        invocation="inv",
    )
    store.write_counts("r1", "tap", {"tasks": {"read": 31, "pages": 2, "expected_pages": 4}})
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=140)
    with RunDisplay(
        store, "inv", live=True, log_path=project / "run.log", console=console
    ) as display:
        display.on_line("2026 [info     ] meltano      Block run completed\n", io.StringIO())
        display.on_line("2026 [error    ] tap-clickup  HTTP 401\n", io.StringIO())
    drawn = screen.getvalue()
    assert "tasks" in drawn
    assert "━" in drawn
    assert "HTTP 401" in drawn  # errors are shown above the bars
    assert "Block run completed" not in drawn  # the rest goes to the log file
    assert "Block run completed" in (project / "run.log").read_text()

    plain = io.StringIO()
    with RunDisplay(store, "inv", live=False) as display:
        display.on_line("progress: tasks: 31 records (6/s)\n", plain)
    assert plain.getvalue() == "progress: tasks: 31 records (6/s)\n"
    summary = "\n".join(summary_lines(store.runs_of_invocation("inv")))
    assert "clickup-to-duckdb: running" in summary
    assert "tasks" in summary


def test_runs_repair_fails_runs_whose_plugins_went_silent(project: Path) -> None:
    store = RunStore.of_project(project)
    store.begin(
        "dead0001",
        integration="clickup-to-duckdb",
        trigger="manual",
        environment="sandbox",
        part="tap",
        started_at="2026-01-01T10:00:00+00:00",
    )
    store.begin(
        "alive001", integration="clickup-to-duckdb", trigger="manual", environment=None, part="tap"
    )
    store.write_counts("alive001", "tap", {"tasks": {"read": 1}})  # a sign of life
    code, output = cli("runs", "repair")
    assert code == 0, output
    assert "marked run dead0001 of 'clickup-to-duckdb' failed: no sign of life since " in output
    dead, alive = store.run("dead0001"), store.run("alive001")
    assert dead is not None
    assert dead.status == "failed"
    assert alive is not None
    assert alive.status == "running"
    assert cli("runs", "repair")[1] == "no dead run found\n"


def test_a_damaged_store_is_one_line(project: Path) -> None:
    store = project / "data" / "runs.sqlite"
    store.parent.mkdir()
    store.write_bytes(b"not a database, just bytes " * 100)
    for command in (["runs"], ["runs", "show", "abc"], ["status"]):
        code, output = cli(*command)
        assert code == 1, command
        assert output.startswith(
            "Error: data/runs.sqlite: the run store cannot be used (file is not a database)"
        )
        assert "Traceback" not in output
