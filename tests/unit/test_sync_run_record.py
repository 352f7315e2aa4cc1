"""A sync run is recorded in the run store like a pipeline run: named sync-<name>, with the
trigger ``$BRAINHUB_TRIGGER`` names, its counts, and failed when writes were refused."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from brainhub.operate.record.identity import run_id_for
from brainhub.operate.record.store import RunStore
from brainhub.sync.definition import load_definition
from brainhub.sync.record import SyncRunRecord, trigger_from

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("BRAINHUB_RUN_STORE", raising=False)
    return tmp_path


def record(project: Path, **environ: str) -> SyncRunRecord:
    definition = load_definition(ROOT / "syncs" / "clickup-github.yaml")
    return SyncRunRecord(project, definition, "sandbox", environ)


def test_a_webhook_run_is_recorded_with_its_trigger_and_counts(project: Path) -> None:
    run = record(project, BRAINHUB_TRIGGER="webhook")
    run.begin()
    run.finish(read={"left": 31, "right": 12}, written={"inserted": 0, "updated": 2})
    [stored] = RunStore.of_project(project).runs()
    assert (stored.integration, stored.trigger, stored.environment, stored.status) == (
        "sync-clickup-github",
        "webhook",
        "sandbox",
        "success",
    )
    assert stored.streams["left.clickup.tasks"].read == 31
    assert stored.streams["right.github.issues"].read == 12
    assert stored.streams["sync.clickup-github"].updated == 2


def test_refused_writes_fail_the_run_and_brainhub_run_ids_are_joined(project: Path) -> None:
    run = record(project, BRAINHUB_RUN_ID="inv-1", BRAINHUB_INTEGRATION="sync-clickup-github")
    run.begin()
    run.finish(written={"rejected": 1}, error="1 writes refused by the service")
    stored = RunStore.of_project(project).run(run_id_for("inv-1", None))
    assert stored is not None
    assert (stored.trigger, stored.status, stored.error) == (
        "manual",
        "failed",
        "1 writes refused by the service",
    )


def test_an_unknown_trigger_is_recorded_as_manual() -> None:
    assert trigger_from({"BRAINHUB_TRIGGER": "Webhook"}) == "webhook"
    assert trigger_from({"BRAINHUB_TRIGGER": "cron"}) == "manual"
    assert trigger_from({}) == "manual"


def test_a_sync_stopped_by_ctrl_c_is_recorded_interrupted_with_what_it_read(
    project: Path,
) -> None:
    run = record(project)
    run.begin()
    run.finish(read={"left": 4}, error="KeyboardInterrupt", stopped_by=signal.SIGINT)
    [stored] = RunStore.of_project(project).runs()
    assert (stored.status, stored.error) == ("interrupted", "stopped by SIGINT")
    assert stored.streams["left.clickup.tasks"].read == 4
