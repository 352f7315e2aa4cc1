"""The ClickUp and GitHub emulators served in this process, and the shipped
``clickup-github`` sync pointed at them: what the sync tests edit, run and inspect."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from brainhub.sandbox import serve
from brainhub.sandbox.registry import emulator_class
from brainhub.sandbox.server import ServedEmulator
from brainhub.sync.connections import Connections
from brainhub.sync.definition import SyncDefinition, load_definition
from brainhub.sync.runner import RunReport, plan_sync, run_sync

ROOT = Path(__file__).resolve().parents[2]
LIST_ID = "901601000000"
REPO = "octo-sandbox/api"
FAST = 100_000  # requests per window: the vendors' limits are not what these tests check


@dataclass
class SyncWorld:
    """Both emulators, a warehouse and the sync definition."""

    clickup: ServedEmulator
    github: ServedEmulator
    warehouse: Path
    definition: SyncDefinition

    @property
    def overrides(self) -> dict[str, dict[str, Any]]:
        common = {"start_date": "2020-01-01T00:00:00Z", "rate_limit_requests": FAST}
        return {
            "clickup": {"base_url": self.clickup.base_url, **self.clickup.credentials, **common},
            "github": {"base_url": self.github.base_url, **self.github.credentials, **common},
        }

    @property
    def connections(self) -> Connections:
        return Connections(ROOT, "sandbox", self.warehouse, self.overrides, parse_env=False)

    def run(self) -> RunReport:
        return run_sync(self.definition, self.connections)

    def plan_totals(self) -> dict[str, int]:
        return plan_sync(self.definition, self.connections).totals()

    # ---- the request logs ------------------------------------------------------------------

    def writes(self) -> tuple[int, int]:
        """Calls that change something, so far: (ClickUp, GitHub)."""
        return (
            sum(1 for e in self.clickup.emulator.request_log if e.method != "GET"),
            sum(1 for e in self.github.emulator.request_log if e.method != "GET"),
        )

    # ---- ClickUp ------------------------------------------------------------------------

    def cu(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": self.clickup.credentials["api_token"]}
        answer = requests.request(
            method, self.clickup.base_url + path, headers=headers, timeout=30, **kwargs
        )
        assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def tasks(self) -> list[dict[str, Any]]:
        found = self.cu(
            "GET", f"/list/{LIST_ID}/task", params={"include_closed": "true", "subtasks": "true"}
        )
        return list(found["tasks"])

    # ---- GitHub -------------------------------------------------------------------------

    def gh(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.github.credentials['api_token']}"}
        answer = requests.request(
            method, self.github.base_url + path, headers=headers, timeout=30, **kwargs
        )
        assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def issues(self) -> list[dict[str, Any]]:
        found = self.gh("GET", f"/repos/{REPO}/issues", params={"state": "all", "per_page": 100})
        return [i for i in found if any(label["name"] == "enhancement" for label in i["labels"])]

    def stop(self) -> None:
        self.clickup.stop()
        self.github.stop()


def start_world(tmp_path: Path, definition_file: Path | None = None) -> SyncWorld:
    """Serve both emulators (tiny data, their state in ``tmp_path``) with the sync."""
    state_dir = tmp_path / "sandbox"
    clickup = serve(
        emulator_class("clickup")(size="tiny", seed=1, rate_limit=FAST, state_dir=state_dir)
    )
    github = serve(
        emulator_class("github")(size="tiny", seed=1, rate_limit=FAST, state_dir=state_dir)
    )
    definition = load_definition(definition_file or ROOT / "syncs" / "clickup-github.yaml")
    return SyncWorld(clickup, github, tmp_path / "warehouse.duckdb", definition)


USERS = {
    80001000: "bruno",
    80001001: "chen",
    80001002: "dana",
    80001003: "emeka",
    80001004: "farah",
}
TAGS = {"docs": "documentation", "design": "question"}
STATUS_TO_GITHUB = {"to do": "open", "in progress": "open", "review": "open", "complete": "closed"}


def disagreements(world: SyncWorld) -> list[str]:
    """Every mapped field on which a linked task and issue differ (read from the emulators)."""
    import duckdb

    with duckdb.connect(str(world.warehouse), read_only=True) as con:
        links = con.execute(
            f"SELECT left_id, right_id FROM {world.definition.schema}.links "  # noqa: S608 - a checked schema name
            "WHERE retired_at IS NULL"
        ).fetchall()
    tasks = {t["id"]: t for t in world.tasks()}
    issues = {str(i["number"]): i for i in world.issues()}
    found = []
    for left_id, right_id in links:
        task, issue = tasks.get(left_id), issues.get(right_id)
        if task is None or issue is None:
            found.append(f"{left_id} ↔ {right_id}: one side is gone but still linked")
            continue
        pairs = {
            "name": (task["name"], issue["title"]),
            "status": (STATUS_TO_GITHUB[task["status"]["status"]], issue["state"]),
            "description": (
                (task.get("description") or "").strip(),
                (issue.get("body") or "").strip(),
            ),
            "assignees": (
                sorted(USERS[a["id"]] for a in task["assignees"] if a["id"] in USERS),
                sorted(a["login"] for a in issue["assignees"] if a["login"] in USERS.values()),
            ),
        }
        pairs["tags"] = (
            sorted(TAGS[t["name"]] for t in task["tags"] if t["name"] in TAGS),
            sorted(label["name"] for label in issue["labels"] if label["name"] in TAGS.values()),
        )
        found += [
            f"{left_id} ↔ {right_id} {name}: {a!r} ≠ {b!r}"
            for name, (a, b) in pairs.items()
            if a != b
        ]
    return found


def run_in_child(world: SyncWorld) -> subprocess.Popen[str]:
    """``run_sync`` in a process of its own (for killing), against the same emulators."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from brainhub.sync.connections import Connections\n"
        "from brainhub.sync.definition import load_definition\n"
        "from brainhub.sync.runner import run_sync\n"
        "args = json.loads(sys.argv[1])\n"
        "c = Connections(Path(args['root']), 'sandbox', Path(args['warehouse']), args['overrides'], parse_env=False)\n"
        "run_sync(load_definition(Path(args['definition'])), c)\n"
    )
    args = {
        "root": str(ROOT),
        "warehouse": str(world.warehouse),
        "overrides": world.overrides,
        "definition": world.definition.file,
    }
    return subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
