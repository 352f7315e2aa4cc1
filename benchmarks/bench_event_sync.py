"""Event-driven sync latency: a ClickUp edit → the GitHub issue written, through webhooks.

Serves the ClickUp and GitHub emulators (tiny data) on loopback, links the shipped
``syncs/clickup-github.yaml`` once, then starts the webhook receiver (its default action:
``brainhub sync run clickup-github`` in a subprocess, ``BRAINHUB_TRIGGER=webhook``) with a
ClickUp subscription pointing at it. For each of ``--edits`` edits, one after another: the
task's name is changed through the emulator's API and the clock runs until the linked
GitHub issue carries the new name. Prints p50, p95 and the worst latency, beside, in the
same run:

* **full re-read** — ``brainhub sync run clickup-github`` started by hand (no webhook),
  the same process the receiver starts: what a scheduled run costs;
* **where the time goes** — one run of the sync in this process, split into each side's
  refresh (its tap and target-duckdb processes), the plan and the apply, plus the cost of
  starting a bare ``brainhub`` process and a bare tap process.

    python benchmarks/bench_event_sync.py [--edits 20] [--debounce 0.1]

Measured on a shared 2-core machine (20 edits, tiny data): p50 6.1 s, p95 10.1 s, against
9.2 s for a full run started by hand; delivery is tens of milliseconds, the rest is one
``brainhub sync run`` process, whose time is the four processes reading both sides (each
side's tap and target-duckdb: ~1 s each just to start), not the plan (0.06 s) or the apply.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from brainhub.sandbox import serve  # noqa: E402
from brainhub.sandbox.registry import emulator_class  # noqa: E402
from brainhub.sync import runner  # noqa: E402
from brainhub.sync.connections import Connections  # noqa: E402
from brainhub.sync.definition import load_definition  # noqa: E402
from brainhub.webhooks.secrets import MemorySecrets  # noqa: E402
from brainhub.webhooks.service import start_receiver  # noqa: E402

BIN = Path(sys.executable).parent
LIST_ID = "901601000000"
REPO_NAME = "octo-sandbox/api"
FAST = "100000"
EMEKA = 80001003  # a ClickUp member the tiny repository cannot take as an assignee


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@contextmanager
def world(folder: Path) -> Iterator[dict[str, Any]]:
    """A private project, both emulators served, Meltano's variables pointing at them."""
    root = folder / "project"
    (root / "syncs").mkdir(parents=True)
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    shutil.copy(REPO / "syncs" / "clickup-github.yaml", root / "syncs" / "clickup-github.yaml")
    state = root / "data" / "sandbox"
    clickup = serve(emulator_class("clickup")(size="tiny", seed=1, rate_limit=int(FAST),
                                              state_dir=state))  # fmt: skip
    github = serve(emulator_class("github")(size="tiny", seed=1, rate_limit=int(FAST),
                                            state_dir=state))  # fmt: skip
    env = {"BRAINHUB_SANDBOX_DIR": str(state), "BRAINHUB_PROGRESS_SECONDS": "0"}
    for service, served in (("clickup", clickup), ("github", github)):
        for kind in ("TAP", "TARGET"):
            env[f"{kind}_{service.upper()}_BASE_URL"] = served.base_url
            env[f"{kind}_{service.upper()}_API_TOKEN"] = served.credentials["api_token"]
            env[f"{kind}_{service.upper()}_RATE_LIMIT_REQUESTS"] = FAST
        env[f"TAP_{service.upper()}_START_DATE"] = "2020-01-01T00:00:00Z"
    os.environ.update(env)  # the receiver's children inherit them
    try:
        yield {"root": root, "clickup": clickup, "github": github}
    finally:
        clickup.stop()
        github.stop()


def call(served: Any, method: str, path: str, bearer: bool, **kwargs: Any) -> Any:
    token = served.credentials["api_token"]
    headers = {"Authorization": f"Bearer {token}" if bearer else token}
    answer = requests.request(method, served.base_url + path, headers=headers, timeout=30,
                              **kwargs)  # fmt: skip
    answer.raise_for_status()
    return answer.json() if answer.content else None


def timed(function: Callable[..., Any], into: dict[str, list[float]], name: str) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            into.setdefault(name, []).append(time.perf_counter() - started)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20, help="edits timed, one after another")
    parser.add_argument("--debounce", type=float, default=0.1, help="the receiver's debounce, s")
    parser.add_argument("--timeout", type=float, default=120, help="give up on an edit after, s")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-event-sync-") as folder,
        world(Path(folder)) as w,
    ):
        root: Path = w["root"]
        clickup, github = w["clickup"], w["github"]
        for task in call(clickup, "GET", f"/list/{LIST_ID}/task", False,
                         params={"include_closed": "true", "subtasks": "true"})["tasks"]:  # fmt: skip
            if any(a["id"] == EMEKA for a in task["assignees"]):
                call(clickup, "PUT", f"/task/{task['id']}", False,
                     json={"assignees": {"rem": [EMEKA]}})  # fmt: skip
        definition = load_definition(root / "syncs" / "clickup-github.yaml")
        connections = Connections(root, "sandbox", root / "data" / "sandbox.duckdb")
        phases: dict[str, list[float]] = {}
        runner.refresh_side = timed(runner.refresh_side, phases, "refresh")  # type: ignore[assignment]
        runner.build_plan = timed(runner.build_plan, phases, "plan")  # type: ignore[assignment]
        runner.apply_plan = timed(runner.apply_plan, phases, "apply")  # type: ignore[assignment]
        started = time.perf_counter()
        first = runner.run_sync(definition, connections)
        first_s = time.perf_counter() - started
        phases.clear()
        started = time.perf_counter()
        runner.run_sync(definition, connections)
        in_process_s = time.perf_counter() - started
        split = {name: sum(values) for name, values in phases.items()}
        refresh_each = phases.get("refresh", [])

        env = dict(os.environ)
        started = time.perf_counter()
        subprocess.run([str(BIN / "brainhub"), "sync", "run", "clickup-github"], cwd=root,
                       env=env, check=True, capture_output=True)  # fmt: skip
        full_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from brainhub.cli import main"], check=True)
        bare_brainhub_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([str(BIN / "tap-clickup"), "--about"], check=True, capture_output=True)
        bare_tap_s = time.perf_counter() - started

        import duckdb

        with duckdb.connect(str(connections.warehouse), read_only=True) as con:
            pairs = con.execute(
                f"SELECT left_id, right_id FROM {definition.schema}.links "  # noqa: S608
                "WHERE retired_at IS NULL ORDER BY left_id LIMIT 1"
            ).fetchall()
        task_id, issue_number = str(pairs[0][0]), str(pairs[0][1])

        secrets = MemorySecrets()
        latencies: list[float] = []
        accepted: list[float] = []  # when the receiver accepted each delivery
        deliveries: list[float] = []

        def note(line: str) -> None:
            if line.startswith("accepted"):
                accepted.append(time.perf_counter())

        with start_receiver(root, secrets, debounce_s=args.debounce, environment="sandbox",
                            log=note) as receiving:  # fmt: skip
            team = clickup.emulator.data.tree.team_id
            hook = call(clickup, "POST", f"/team/{team}/webhook", False,
                        json={"endpoint": receiving.url("clickup"), "events": ["taskUpdated"]})  # fmt: skip
            secrets.remember("clickup", hook["webhook"]["secret"])
            for number in range(args.edits):
                name = f"Edited for the benchmark {number}"
                started = time.perf_counter()
                call(clickup, "PUT", f"/task/{task_id}", False, json={"name": name})
                while True:
                    issue = call(github, "GET", f"/repos/{REPO_NAME}/issues/{issue_number}", True)
                    if issue["title"] == name:
                        break
                    if time.perf_counter() - started > args.timeout:
                        raise SystemExit(f"edit {number}: the issue never changed")
                    time.sleep(0.02)
                latencies.append(time.perf_counter() - started)
                print(f"  edit {number + 1:>3}: {latencies[-1]:6.2f} s", flush=True)
                if accepted:
                    deliveries.append(accepted[-1] - started)
                accepted.clear()

    print(f"\nclickup-github, tiny data ({first.read.get('left', 0)} tasks, "
          f"{first.read.get('right', 0)} issues read by the first run, {first_s:.1f} s)")  # fmt: skip
    print(f"edit → far side written, {len(latencies)} edits, debounce {args.debounce} s:")
    print(f"  p50 {statistics.median(latencies):6.2f} s   p95 {percentile(latencies, 0.95):6.2f} s"
          f"   max {max(latencies):6.2f} s   (goal: p95 < 2 s)")  # fmt: skip
    if deliveries:
        print(f"  of which the signed delivery (edit → accepted in the inbox): p50 "
              f"{statistics.median(deliveries) * 1000:.0f} ms, max {max(deliveries) * 1000:.0f} ms;"
              f" the rest is the debounce and the sync run")  # fmt: skip
    print(f"full re-read, `brainhub sync run` by hand: {full_s:6.2f} s")
    print(f"one run in this process: {in_process_s:6.2f} s — refresh (both sides at once) "
          f"{max(refresh_each, default=0):.2f} s wall, each side "
          f"{', '.join(f'{v:.2f}' for v in refresh_each)} s; plan {split.get('plan', 0):.2f} s; "
          f"apply {split.get('apply', 0):.2f} s")  # fmt: skip
    print(f"starting a bare brainhub process: {bare_brainhub_s:.2f} s; "
          f"`tap-clickup --about`: {bare_tap_s:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
