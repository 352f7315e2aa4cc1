"""The shipped clickup-github sync against both emulators (served in this process, tiny
data): echo-free reruns, convergence under random edits on both sides, the conflict
policies, manual conflicts and their resolution, and a run killed mid-apply.

Each run reads both sides with the real taps and target-duckdb (processes), so these tests
are marked ``slow``.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from brainhub.sync.runner import list_conflicts, resolve_conflict
from tests.support.sync_world import (
    LIST_ID,
    REPO,
    SyncWorld,
    disagreements,
    run_in_child,
    start_world,
)

pytestmark = pytest.mark.slow

PEOPLE = {80001000: "bruno", 80001001: "chen", 80001002: "dana"}  # on both sides (tiny data)
EMEKA = 80001003  # a ClickUp member the tiny repository does not have as a collaborator


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SyncWorld]:
    found = start_world(tmp_path)
    for task in found.tasks():  # assign only people GitHub's repository can take
        if any(a["id"] == EMEKA for a in task["assignees"]):
            found.cu("PUT", f"/task/{task['id']}", json={"assignees": {"rem": [EMEKA]}})
    yield found
    found.stop()


def links(world: SyncWorld, *, live: bool = True) -> list[tuple[str, str]]:
    where = "retired_at IS NULL" if live else "retired_at IS NOT NULL"
    with duckdb.connect(str(world.warehouse), read_only=True) as con:
        rows = con.execute(
            f"SELECT left_id, right_id FROM {world.definition.schema}.links WHERE {where} "  # noqa: S608 - a checked schema name
            "ORDER BY left_id"
        ).fetchall()
    return [(str(a), str(b)) for a, b in rows]


NOTHING = {"creates": 0, "updates": 0, "deletes": 0, "conflicts": 0, "links": 0, "unlinks": 0}


def test_a_second_run_right_after_writes_nothing(world: SyncWorld) -> None:
    first = world.run()
    assert first.outcome.created == first.plan.totals()["creates"] > 0
    assert first.outcome.rejected == 0
    before = world.writes()
    second = world.run()
    assert world.writes() == before  # neither emulator saw a write: no echo
    assert second.outcome.writes == 0
    assert second.plan.totals() == NOTHING
    assert disagreements(world) == []


def test_random_edits_on_both_sides_converge(world: SyncWorld) -> None:
    world.run()
    rng = random.Random(7)
    for round_number in range(2):
        _edit_clickup(world, rng, round_number)
        _edit_github(world, rng, round_number)
        report = world.run()
        assert report.outcome.rejected == 0
    assert disagreements(world) == []
    assert world.plan_totals() == NOTHING
    live_tasks = {t["id"] for t in world.tasks()}
    live = links(world)
    assert {left for left, _ in live} == live_tasks  # every task is linked, once
    linked_issues = {right for _, right in live} | {right for _, right in links(world, live=False)}
    assert {str(i["number"]) for i in world.issues()} == linked_issues
    for left, right in links(world, live=False):  # a deleted task's issue is archived (closed)
        assert left not in live_tasks
        assert world.gh("GET", f"/repos/{REPO}/issues/{right}")["state"] == "closed"
    before = world.writes()
    world.run()
    assert world.writes() == before


def _edit_clickup(world: SyncWorld, rng: random.Random, round_number: int) -> None:
    tasks = world.tasks()
    for task in rng.sample(tasks, k=min(2, len(tasks))):
        body: dict[str, object] = {
            "name": f"{task['name']} (cu {round_number})",
            "status": rng.choice(["to do", "in progress", "review", "complete"]),
        }
        person = rng.choice(list(PEOPLE))
        current = [a["id"] for a in task["assignees"]]
        body["assignees"] = {"rem": current} if person in current else {"add": [person]}
        world.cu("PUT", f"/task/{task['id']}", json=body)
        tag = rng.choice(["docs", "design", "customer"])  # customer: a tag the sync leaves alone
        has_tag = any(t["name"] == tag for t in task["tags"])
        world.cu("DELETE" if has_tag else "POST", f"/task/{task['id']}/tag/{tag}")
    world.cu("POST", f"/list/{LIST_ID}/task", json={"name": f"New task {round_number}"})
    if round_number == 1:
        victim = rng.choice([t for t in world.tasks() if t.get("parent") is None])
        world.cu("DELETE", f"/task/{victim['id']}")


def _edit_github(world: SyncWorld, rng: random.Random, round_number: int) -> None:
    issues = world.issues()
    for issue in rng.sample(issues, k=min(2, len(issues))):
        world.gh(
            "PATCH",
            f"/repos/{REPO}/issues/{issue['number']}",
            json={
                "title": f"{issue['title']} (gh {round_number})",
                "state": rng.choice(["open", "closed"]),
                "assignees": rng.sample(sorted(PEOPLE.values()), k=rng.randint(0, 2)),
                "labels": ["enhancement", *rng.sample(["documentation", "question", "bug"], k=2)],
            },
        )
    world.gh(
        "POST",
        f"/repos/{REPO}/issues",
        json={"title": f"New issue {round_number}", "labels": ["enhancement"]},
    )


def test_conflicts_follow_each_fields_policy_and_manual_waits_for_a_choice(
    world: SyncWorld,
) -> None:
    world.run()
    left_id, right_id = next(
        (left, right) for left, right in links(world)
        if world.gh("GET", f"/repos/{REPO}/issues/{right}")["state"] == "open"
    )  # fmt: skip
    issue_path = f"/repos/{REPO}/issues/{right_id}"
    edited_issue = world.gh("PATCH", issue_path, json={"title": "Title from GitHub", "state": "closed",
                                                       "body": "Body from GitHub"})  # fmt: skip
    edited_task = world.cu("PUT", f"/task/{left_id}", json={"name": "Name from ClickUp", "status": "in progress",
                                                            "markdown_content": "Text from ClickUp"})  # fmt: skip
    # newest-wins compares each side's own update time (the emulators keep their own clocks)
    task_time = datetime.fromtimestamp(int(edited_task["date_updated"]) / 1000, UTC)
    issue_time = datetime.fromisoformat(edited_issue["updated_at"].replace("Z", "+00:00"))
    newest = "Title from GitHub" if issue_time > task_time else "Name from ClickUp"
    before = world.writes()
    report = world.run()
    assert report.plan.totals()["conflicts"] == 1
    task = world.cu("GET", f"/task/{left_id}")
    issue = world.gh("GET", issue_path)
    assert issue["title"] == task["name"] == newest  # name: newest-wins
    assert issue["state"] == "open"  # status: left-wins, ClickUp's "in progress" is open
    assert task["status"]["status"] == "in progress"
    # description: manual, neither side written
    assert task["description"].strip() == "Text from ClickUp"
    assert issue["body"] == "Body from GitHub"
    open_conflicts = list_conflicts(world.definition, world.connections)
    assert [(c["left_id"], c["right_id"], c["field"]) for c in open_conflicts] == [
        (left_id, right_id, "description")
    ]
    assert open_conflicts[0]["left_value"] == "Text from ClickUp"
    assert open_conflicts[0]["right_value"] == "Body from GitHub"
    if newest == "Name from ClickUp":
        assert world.writes()[0] == before[0]  # ClickUp got nothing: left won both others

    again = world.run()  # the conflict stays listed, once, and nothing is written for it
    assert again.outcome.writes == 0
    assert len(list_conflicts(world.definition, world.connections)) == 1

    resolved = resolve_conflict(
        world.definition, world.connections, open_conflicts[0]["conflict_id"], "right", None
    )
    assert resolved.outcome.writes == 1
    assert world.cu("GET", f"/task/{left_id}")["description"].strip() == "Body from GitHub"
    assert list_conflicts(world.definition, world.connections) == []
    # a new conflict on the same field, settled with a value of its own
    world.gh("PATCH", issue_path, json={"body": "Second body from GitHub"})
    world.cu("PUT", f"/task/{left_id}", json={"markdown_content": "Second text from ClickUp"})
    world.run()
    [second] = list_conflicts(world.definition, world.connections)
    assert (second["left_value"], second["right_value"]) == (
        "Second text from ClickUp",
        "Second body from GitHub",
    )
    resolve_conflict(
        world.definition, world.connections, second["conflict_id"], "value", "Agreed text"
    )
    assert world.cu("GET", f"/task/{left_id}")["description"].strip() == "Agreed text"
    assert world.gh("GET", issue_path)["body"] == "Agreed text"
    world.run()
    assert world.plan_totals() == NOTHING
    assert disagreements(world) == []


def test_a_run_killed_mid_apply_then_rerun_makes_no_duplicates(world: SyncWorld) -> None:
    child = run_in_child(world)
    first = world.writes()
    while child.poll() is None and sum(world.writes()) - sum(first) < 2:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    report = world.run()
    assert report.outcome.rejected == 0
    names = Counter(t["name"] for t in world.tasks())
    titles = Counter(i["title"] for i in world.issues())
    assert [n for n, count in names.items() if count > 1] == []
    assert [t for t, count in titles.items() if count > 1] == []
    assert disagreements(world) == []
    assert world.plan_totals() == NOTHING
