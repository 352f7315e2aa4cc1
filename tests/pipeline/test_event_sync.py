"""Event-driven sync, end to end: an edit made through the ClickUp emulator's API reaches the
GitHub emulator with no scheduled run — the emulator's signed webhook, ``brainhub webhooks
serve``, its debounced ``brainhub sync run clickup-github``, the issue written — and the run
is in the run store with trigger ``webhook``.

Both emulators are served on loopback by this test; the receiver and its sync run as
processes in a private copy of the project, pointed at the emulators by Meltano's
``TAP_…``/``TARGET_…`` variables. Waits are bounded polls.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from brainhub.sync.connections import Connections
from brainhub.sync.runner import run_sync
from tests.pipeline.conftest import BIN, REPO, MeltanoProject
from tests.support.sync_world import REPO as GITHUB_REPO
from tests.support.sync_world import SyncWorld, start_world

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

T = TypeVar("T")
EMEKA = 80001003  # a ClickUp member the tiny repository does not have as a collaborator


def wait_for(probe: Callable[[], T | None], what: str, within_s: float = 180.0) -> T:
    """Poll ``probe`` until it returns something; fail naming ``what`` after ``within_s``."""
    deadline = time.monotonic() + within_s
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def emulator_env(world: SyncWorld) -> dict[str, str]:
    """Meltano's variables pointing every tap and target of both sides at the emulators."""
    env = {}
    for service, served in (("clickup", world.clickup), ("github", world.github)):
        for kind in ("TAP", "TARGET"):
            prefix = f"{kind}_{service.upper()}_"
            env[prefix + "BASE_URL"] = served.base_url
            env[prefix + "API_TOKEN"] = served.credentials["api_token"]
            env[prefix + "RATE_LIMIT_REQUESTS"] = "100000"
        env[f"TAP_{service.upper()}_START_DATE"] = "2020-01-01T00:00:00Z"
    return env


@pytest.fixture
def world(meltano_project: MeltanoProject) -> Iterator[SyncWorld]:
    syncs = meltano_project.root / "syncs"
    syncs.mkdir()
    shutil.copy(REPO / "syncs" / "clickup-github.yaml", syncs / "clickup-github.yaml")
    found = start_world(meltano_project.root / "data", syncs / "clickup-github.yaml")
    found.warehouse = meltano_project.warehouse
    for task in found.tasks():  # assign only people GitHub's repository can take
        if any(a["id"] == EMEKA for a in task["assignees"]):
            found.cu("PUT", f"/task/{task['id']}", json={"assignees": {"rem": [EMEKA]}})
    yield found
    found.stop()


@pytest.fixture
def receiver(
    meltano_project: MeltanoProject, world: SyncWorld, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    env = meltano_project.env(XDG_CONFIG_HOME=str(tmp_path / "config"), **emulator_env(world))
    env.pop("BRAINHUB_WEBHOOK_SECRET_CLICKUP", None)
    env.pop("BRAINHUB_TRIGGER", None)
    serving = subprocess.Popen(
        [str(BIN / "brainhub"), "webhooks", "serve", "--project", str(meltano_project.root),
         "--port", "0", "--debounce", "0.2"],
        cwd=tmp_path,  # not the project: the receiver must run its syncs there all the same
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    yield serving, env
    serving.terminate()
    try:
        serving.wait(timeout=60)
    except subprocess.TimeoutExpired:
        serving.kill()
        serving.wait()
    for pipe in (serving.stdout, serving.stderr):
        if pipe is not None:
            pipe.close()


def test_a_clickup_edit_reaches_github_through_a_webhook_and_is_recorded(
    meltano_project: MeltanoProject,
    world: SyncWorld,
    receiver: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    root = meltano_project.root
    connections = Connections(root, "sandbox", world.warehouse, world.overrides, parse_env=False)
    first = run_sync(world.definition, connections)  # link every task to an issue
    assert first.outcome.created > 0
    assert first.outcome.rejected == 0

    serving, env = receiver
    assert serving.stdout is not None
    started = json.loads(serving.stdout.readline() or "{}")
    assert "port" in started, serving.stderr.read() if serving.stderr else ""
    url = f"http://127.0.0.1:{started['port']}/webhooks/clickup"
    registered = subprocess.run(
        [str(BIN / "brainhub"), "webhooks", "register", "clickup", "--url", url,
         "--project", str(root)],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    assert json.loads(registered.stdout)["secret_stored"] is True

    task_id, issue_number = _a_linked_open_pair(world)
    world.cu("PUT", f"/task/{task_id}", json={"name": "Renamed in ClickUp"})

    def issue_title() -> str | None:
        title = world.gh("GET", f"/repos/{GITHUB_REPO}/issues/{issue_number}")["title"]
        return title if title == "Renamed in ClickUp" else None

    wait_for(issue_title, f"issue {issue_number} to take the task's new name")

    def webhook_run() -> dict[str, Any] | None:
        shown = subprocess.run(
            [str(BIN / "brainhub"), "runs", "--json", "--project", str(root)],
            cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        runs = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
        done = [r for r in runs if r["status"] != "running"]
        return done[0] if done else None

    run = wait_for(webhook_run, "the webhook's sync run to be recorded")
    assert (run["integration"], run["trigger"], run["status"]) == (
        "sync-clickup-github",
        "webhook",
        "success",
    )
    assert run["environment"] == "sandbox"
    assert run["streams"]["sync.clickup-github"]["updated"] >= 1


def _a_linked_open_pair(world: SyncWorld) -> tuple[str, str]:
    import duckdb

    with duckdb.connect(str(world.warehouse), read_only=True) as con:
        pairs = con.execute(
            f"SELECT left_id, right_id FROM {world.definition.schema}.links "  # noqa: S608 - a checked schema name
            "WHERE retired_at IS NULL ORDER BY left_id"
        ).fetchall()
    assert pairs
    return str(pairs[0][0]), str(pairs[0][1])
