"""A run stopped by SIGINT (Ctrl-C) or SIGTERM is ``interrupted``, not ``failed``: in the run
store, whoever settles it (its plugins, ``brainhub run``, the scheduler, a sync), in every
command and page that shows runs, and in the alerts, which stay quiet about it unless a
``run_interrupted`` rule asks."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.errors import SyncInterrupted
from brainhub.operate import launch as launch_module
from brainhub.operate.alerts.check import check_alerts
from brainhub.operate.record import RunRecorder, RunStore
from brainhub.operate.record.identity import RunIdentity, run_id_for
from brainhub.operate.record.recorder import stop_signal_of
from brainhub.operate.scheduler.process import ProcessLauncher
from brainhub.ui.app import create_app
from tests.support.ui_project import UiProject, ui_project

MELTANO_YML = """\
default_environment: sandbox
environments:
- name: sandbox
jobs:
- name: clickup-to-duckdb
  tasks: [tap-clickup target-duckdb]
"""
JOB = "clickup-to-duckdb"
REPO = Path(__file__).resolve().parents[3]
__all__ = ["ui_project"]  # a fixture


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "BRAINHUB_ERROR_AFTER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "meltano.yml").write_text(MELTANO_YML)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def store(project: Path) -> RunStore:
    return RunStore.of_project(project, error_after=2)


def begin(store: RunStore, run_id: str) -> None:
    for part in ("tap", "target"):
        store.begin(run_id, integration=JOB, trigger="manual", environment="sandbox", part=part)


def identity(project: Path, part_run: str = "r1") -> RunIdentity:
    return RunIdentity(
        run_id=part_run,
        invocation="inv-1",
        integration=JOB,
        trigger="manual",
        environment="sandbox",
        project_root=project,
        extractor="tap-clickup",
        loader="target-duckdb",
    )


# -- the store ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (0, "success"),
        (1, "failed"),
        (130, "interrupted"),
        (143, "interrupted"),
        (-signal.SIGINT, "interrupted"),  # a child the signal itself killed
        (-signal.SIGTERM, "interrupted"),
        (-signal.SIGKILL, "failed"),  # killed without a word: no stop was asked for
        (137, "failed"),
    ],
)
def test_an_exit_code_settles_a_run_by_the_signal_conventions(
    store: RunStore, code: int, status: str
) -> None:
    begin(store, "r1")
    assert store.settle_exit("r1", code, error="meltano: boom" if code else None) == status
    run = store.run("r1")
    assert run is not None
    assert run.status == status
    if status == "interrupted":
        name = signal.Signals(abs(code) - 128 if code > 0 else -code).name
        assert run.error == f"stopped by {name} (exit {code})"


def test_an_interrupted_part_makes_the_run_interrupted_and_its_counts_stay(
    store: RunStore,
) -> None:
    begin(store, "r1")
    store.write_counts("r1", "target", {"tasks": {"inserted": 7}})
    assert store.finish_part("r1", "tap", error="stopped by SIGINT", interrupted=True) == (
        "interrupted"
    )
    store.finish_part("r1", "target", error="stopped by SIGINT", interrupted=True)
    store.settle_exit("r1", 130)  # brainhub run settles it again with Meltano's code
    run = store.run("r1")
    assert run is not None
    assert (run.status, run.parts) == (
        "interrupted",
        {"tap": "interrupted", "target": "interrupted"},
    )
    assert run.finished_at is not None
    assert run.error == "stopped by SIGINT"
    assert run.streams["tasks"].inserted == 7  # what it committed before the signal


def test_a_pipeline_that_finished_before_the_signal_stays_a_success(store: RunStore) -> None:
    """A job of two pipelines stopped in its second: the first one's run was a success."""
    begin(store, "first")
    store.finish_part("first", "tap")
    store.finish_part("first", "target")
    assert store.settle_exit("first", 130) == "success"
    run = store.run("first")
    assert run is not None
    assert (run.status, run.error) == ("success", None)


def test_a_part_that_failed_before_the_signal_keeps_the_run_failed(store: RunStore) -> None:
    begin(store, "r1")
    store.finish_part("r1", "tap", error="HTTP 500")
    assert store.settle_exit("r1", 143) == "failed"


def test_an_interrupted_run_neither_lengthens_nor_ends_a_failure_streak(
    store: RunStore,
) -> None:
    for n, code in enumerate((1, 130, 143, 1)):
        begin(store, f"r{n}")
        store.settle_exit(f"r{n}", code)
    # two failures around two interruptions: the streak is 2, the integration in error
    assert store.integration_states()[JOB] == ("error", 2)


# -- the plugins ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "signum"),
    [
        (SyncInterrupted(signal.SIGINT), signal.SIGINT),
        (SyncInterrupted(signal.SIGTERM), signal.SIGTERM),
        (KeyboardInterrupt(), signal.SIGINT),
        (SystemExit(130), signal.SIGINT),
        (SystemExit(143), signal.SIGTERM),
        (SystemExit(1), None),
        (ValueError("bad page"), None),
        ("3 records refused", None),
        (None, None),
    ],
)
def test_what_counts_as_a_stop(error: BaseException | str | None, signum: int | None) -> None:
    assert stop_signal_of(error) == signum


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_plugin_stopped_by_a_signal_records_its_part_interrupted(
    project: Path, signum: int
) -> None:
    counts = {"tasks": {"read": 3}}
    recorder = RunRecorder(
        "tap", lambda: counts, logging.getLogger("t"), identity=identity(project)
    )
    recorder.start()
    recorder.finish(SyncInterrupted(signum))
    run = RunStore.of_project(project).run("r1")
    assert run is not None
    name = signal.Signals(signum).name
    assert (run.status, run.parts["tap"]) == ("interrupted", "interrupted")
    assert (run.error, run.traceback) == (f"stopped by {name}", None)
    assert run.streams["tasks"].read == 3


# -- whoever settles a run with an exit code -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"), [(130, "interrupted"), (143, "interrupted"), (1, "failed")]
)
def test_brainhub_run_records_a_stopped_meltano_run_as_interrupted(
    project: Path, monkeypatch: pytest.MonkeyPatch, code: int, status: str
) -> None:
    def fake_meltano(
        project_root: Path,
        environment: str,
        args: Sequence[str],
        secrets: Mapping[str, str],
        *,
        extra_env: Mapping[str, str],
        on_line: Any,
    ) -> int:
        # the tap began and was stopped before it could record its end (a second Ctrl-C)
        RunStore.of_project(project_root).begin(
            run_id_for(extra_env["BRAINHUB_RUN_ID"], "tap-clickup"),
            integration=extra_env["BRAINHUB_INTEGRATION"],
            trigger="manual",
            environment=environment,
            part="tap",
            invocation=extra_env["BRAINHUB_RUN_ID"],
            expect=("target",),
        )
        return code

    monkeypatch.setattr(launch_module, "run_meltano", fake_meltano)
    assert launch_module.launch(project, "sandbox", [JOB], {}, live=False) == code
    (run,) = RunStore.of_project(project).runs()
    assert run.status == status


def test_brainhub_run_stopped_before_any_plugin_is_recorded_interrupted(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch_module, "run_meltano", lambda *a, **k: 130)
    launch_module.launch(project, "sandbox", [JOB], {}, live=False)
    (run,) = RunStore.of_project(project).runs()
    assert (run.integration, run.status) == (JOB, "interrupted")


@pytest.mark.parametrize("code", [143, -signal.SIGTERM])
def test_the_scheduler_settles_a_sync_it_stopped_as_interrupted(project: Path, code: int) -> None:
    launcher = ProcessLauncher(project, "sandbox", command=["true"])
    launcher._settle_sync("clickup-github", "inv-9", "2026-01-01T00:00:00+00:00", code)
    (run,) = RunStore.of_project(project).runs()
    assert (run.integration, run.status) == ("clickup-github", "interrupted")


# -- what shows runs -------------------------------------------------------------------------


def seed_interrupted(store: RunStore) -> None:
    begin(store, "aaaa0000-0000-4000-8000-000000000000")
    store.write_counts("aaaa0000-0000-4000-8000-000000000000", "tap", {"tasks": {"read": 4}})
    store.settle_exit("aaaa0000-0000-4000-8000-000000000000", 130)


def test_runs_and_status_show_interrupted(project: Path, store: RunStore) -> None:
    seed_interrupted(store)
    runs = CliRunner().invoke(main, ["runs"])
    assert runs.exit_code == 0, runs.output
    assert "interrupted" in runs.output
    listed = CliRunner().invoke(main, ["runs", "--json"])
    assert json.loads(listed.output.splitlines()[0])["status"] == "interrupted"
    status = CliRunner().invoke(main, ["status"])
    assert status.exit_code == 0, status.output
    assert "last run   interrupted" in status.output
    assert "error      stopped by SIGINT (exit 130)" in status.output
    (entry,) = [
        json.loads(line)
        for line in CliRunner().invoke(main, ["status", "--json"]).output.splitlines()
    ]
    assert entry["status"] == "active"  # the integration is not in error for it
    assert entry["last_run"]["status"] == "interrupted"
    assert entry["error_rate"] is None  # no run ran to an end


def test_the_monitoring_page_counts_and_shows_interrupted_runs(ui_project: UiProject) -> None:
    client = create_app(ui_project.root, "sandbox").test_client()
    before = client.get("/api/overview").json["last_24h"]
    seed_interrupted(ui_project.store)
    overview = client.get("/api/overview").json
    assert overview["last_24h"]["interrupted"] == 1
    assert overview["last_24h"]["failed"] == before["failed"]  # not one more failure
    (entry,) = [e for e in client.get("/api/status").json if e["name"] == JOB]
    assert entry["last_run"]["status"] == "interrupted"
    page = client.get("/").text
    assert '<span class="status interrupted">interrupted</span>' in page
    assert "<b>1</b> interrupted" in page
    assert client.get(f"/integrations/{JOB}").status_code == 200
    errors = client.get("/api/errors").json
    assert all("stopped by" not in e["message"] for e in errors["top_errors"])


# -- alerts -----------------------------------------------------------------------------------


def test_an_interrupted_run_fires_no_failure_alert(project: Path, store: RunStore) -> None:
    (project / "alerts.yaml").write_text(
        "channels:\n  log: {type: log}\nrules:\n  - run_failed: true\n"
        "  - consecutive_failures: 1\n  - error_rate_above: 0%\n"
    )
    seed_interrupted(store)
    result = check_alerts(project)
    assert result.opened == []


def test_a_run_interrupted_rule_lets_a_project_alert_on_them(
    project: Path, store: RunStore
) -> None:
    (project / "alerts.yaml").write_text(
        "channels:\n  log: {type: log}\nrules:\n  - run_failed: true\n  - run_interrupted: true\n"
    )
    seed_interrupted(store)
    result = check_alerts(project)
    assert [(i.rule, i.integration) for i in result.opened] == [("run-interrupted", JOB)]
    assert "was interrupted: stopped by SIGINT (exit 130)" in result.opened[0].message


# -- a two-way sync run -----------------------------------------------------------------------


class _UnhandledSignalError(Exception):
    """SIGTERM reached the test's own handler: the command had none."""


def _unhandled(_signum: int, _frame: Any) -> None:
    raise _UnhandledSignalError


def test_a_sync_run_stopped_by_sigterm_is_recorded_interrupted_and_exits_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the scheduler's stop sends a ``brainhub sync run`` child."""
    signum, code = signal.SIGTERM, 143
    from brainhub.sync import runner

    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "MELTANO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")
    shutil.copytree(REPO / "syncs", tmp_path / "syncs")
    monkeypatch.chdir(tmp_path)

    def stopped_while_running(*_args: Any, on_locked: Any, **_kwargs: Any) -> None:
        on_locked()  # the run has begun
        os.kill(os.getpid(), signum)
        raise AssertionError("the signal did not stop the run")

    monkeypatch.setattr(runner, "run_sync", stopped_while_running)
    # the test process must never die of the signal, whatever the command does with it
    before = signal.signal(signum, _unhandled)
    try:
        result = CliRunner().invoke(main, ["sync", "run", "clickup-github"])
        assert signal.getsignal(signum) is _unhandled  # the command gave the handler back
    finally:
        signal.signal(signum, before)
    assert not isinstance(result.exception, _UnhandledSignalError), (
        "the command does not handle SIGTERM"
    )
    assert result.exit_code == code, result.output
    name = signal.Signals(signum).name
    assert result.stderr.strip() == (
        f"brainhub sync: stopped by {name}; what was written is kept, the next run goes on from it"
    )
    (run,) = RunStore.of_project(tmp_path).runs()
    assert (run.integration, run.status, run.error) == (
        "sync-clickup-github",
        "interrupted",
        f"stopped by {name}",
    )
