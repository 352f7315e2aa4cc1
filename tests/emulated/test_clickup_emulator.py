"""The ClickUp emulator behaves like ClickUp API v2: paging, filters, auth, rate limits,
comments, determinism, generations, writes, and the demo's request budget."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from werkzeug.test import Client

from brainhub.redaction import hidden
from brainhub.sandbox import start_for_url
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.sizes import DAY_MS, now_ms


class FakeClock:
    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


def api(emulator: ClickUpEmulator) -> Any:
    """GET helper: ``get(path, **params)`` → werkzeug test response."""
    client = Client(emulator)
    headers = {"Authorization": emulator.credentials["api_token"]}

    def get(path: str, **params: Any) -> Any:
        return client.get(f"/api/v2{path}", headers=headers, query_string=params)

    return get


@pytest.fixture(scope="module")
def tiny() -> ClickUpEmulator:
    return ClickUpEmulator(size="tiny", generation=0, rate_limit=100_000)


def sync_like_the_tap(emulator: ClickUpEmulator) -> dict[str, int]:
    """Walk the API the way tap-clickup's default settings do; count records per stream."""
    get = api(emulator)
    counts = dict.fromkeys(
        (
            "teams",
            "spaces",
            "folders",
            "lists",
            "tasks",
            "task_comments",
            "custom_fields",
            "tags",
            "goals",
            "time_entries",
        ),
        0,
    )
    for team in get("/team").json["teams"]:
        counts["teams"] += 1
        counts["goals"] += len(get(f"/team/{team['id']}/goal").json["goals"])
        entries = get(f"/team/{team['id']}/time_entries", start_date=0).json["data"]
        counts["time_entries"] += len(entries)
        lists = []
        for space in get(f"/team/{team['id']}/space", archived="false").json["spaces"]:
            counts["spaces"] += 1
            counts["tags"] += len(get(f"/space/{space['id']}/tag").json["tags"])
            folders = get(f"/space/{space['id']}/folder", archived="false").json["folders"]
            lists += get(f"/space/{space['id']}/list", archived="false").json["lists"]
            for folder in folders:
                counts["folders"] += 1
                lists += get(f"/folder/{folder['id']}/list", archived="false").json["lists"]
        for task_list in lists:
            counts["lists"] += 1
            counts["custom_fields"] += len(get(f"/list/{task_list['id']}/field").json["fields"])
            page = 0
            while True:
                body = get(
                    f"/list/{task_list['id']}/task",
                    page=page,
                    include_closed="true",
                    subtasks="true",
                    archived="false",
                ).json
                counts["tasks"] += len(body["tasks"])
                for task in body["tasks"]:
                    params: dict[str, Any] = {}
                    while True:
                        comments = get(f"/task/{task['id']}/comment", **params).json["comments"]
                        counts["task_comments"] += len(comments)
                        if len(comments) < 25:
                            break
                        params = {"start": comments[-1]["date"], "start_id": comments[-1]["id"]}
                if body["last_page"]:
                    break
                page += 1
    return counts


@pytest.mark.parametrize("size", ["tiny", "demo"])
def test_counts_match_what_a_default_sync_extracts(size):
    emulator = ClickUpEmulator(size=size, generation=0, rate_limit=100_000)
    assert sync_like_the_tap(emulator) == emulator.counts()


def test_the_demo_sync_fits_the_real_rate_limit():
    emulator = ClickUpEmulator(size="demo", generation=0, rate_limit=100_000)
    sync_like_the_tap(emulator)
    requests_made = len(emulator.request_log)
    counts = emulator.counts()
    # 1 /team; goals, time entries, spaces; per space: tags, folders, folderless lists;
    # per folder: lists; per list: fields + one task page; per task: one comment page
    expected = 1 + 3 + 3 * counts["spaces"] + counts["folders"] + 2 * counts["lists"]
    expected += counts["tasks"]
    assert requests_made == expected == 71
    assert requests_made < 90, "the demo must finish inside ClickUp's 100 requests/minute"
    assert 35 <= counts["tasks"] <= 50


def test_tiny_has_the_shapes_tests_need(tiny):
    tasks = [t for tl in tiny.data.tree.lists for t in tiny.data.list_tasks(tl).tasks]
    assert 25 <= tiny.counts()["tasks"] <= 40
    assert any(t.archived for t in tasks)
    assert any(t.parent_index is not None for t in tasks)
    assert any(t.status_index == 3 for t in tasks), "some closed tasks"
    assert max(len(t.comments) for t in tasks) > 25, "one thread needs two comment pages"
    assert any(space.archived for space in tiny.data.tree.spaces)


# --------------------------------------------------------------------------- paging


def test_task_pages_hold_100_and_say_which_is_last():
    emulator = ClickUpEmulator(size="large", generation=0, rate_limit=100_000)
    get = api(emulator)
    task_list = emulator.data.tree.lists[3]
    params = {"include_closed": "true", "subtasks": "true"}
    pages = [get(f"/list/{task_list.id}/task", page=n, **params).json for n in range(3)]
    assert [len(p["tasks"]) for p in pages[:1]] == [100]
    assert [p["last_page"] for p in pages] == [False, True, True]
    assert pages[2]["tasks"] == []
    ids = [t["id"] for p in pages for t in p["tasks"]]
    assert len(ids) == len(set(ids)) == emulator.data.factory.counted_tasks(task_list, 0)


def test_large_has_100k_tasks_over_1000_lists():
    emulator = ClickUpEmulator(size="large", generation=0)
    tree = emulator.data.tree
    active = [tl for tl in tree.lists if not tl.hidden_by_archive]
    assert len(active) >= 1000
    total = sum(emulator.data.factory.counted_tasks(tl, 0) for tl in active)
    assert total >= 100_000


def test_a_bad_page_is_a_400(tiny):
    response = api(tiny)(f"/list/{tiny.data.tree.lists[0].id}/task", page="x")
    assert response.status_code == 400
    assert set(response.json) == {"err", "ECODE"}


# --------------------------------------------------------------------------- filters


def _task_ids(response: Any) -> set[str]:
    return {t["id"] for t in response.json["tasks"]}


def test_task_filters_default_to_open_top_level_unarchived(tiny):
    get = api(tiny)
    task_list = tiny.data.tree.lists[0]
    records = tiny.data.list_tasks(task_list).tasks
    path = f"/list/{task_list.id}/task"
    default = _task_ids(get(path))
    assert default == {
        t.id for t in records if not t.archived and t.status_index != 3 and t.parent_index is None
    }
    everything = _task_ids(get(path, include_closed="true", subtasks="true"))
    assert everything == {t.id for t in records if not t.archived}
    assert everything > default
    archived = _task_ids(get(path, archived="true", include_closed="true", subtasks="true"))
    assert archived == {t.id for t in records if t.archived}
    assert archived
    subtasks = get(path, subtasks="true", include_closed="true").json["tasks"]
    assert any(t["parent"] for t in subtasks)
    assert all(t["parent"] is None for t in get(path, include_closed="true").json["tasks"])


def test_date_updated_gt_is_inclusive_and_lt_strict(tiny):
    get = api(tiny)
    task_list = tiny.data.tree.lists[1]
    path = f"/list/{task_list.id}/task"
    tasks = get(path, include_closed="true", subtasks="true").json["tasks"]
    pivot = sorted(int(t["date_updated"]) for t in tasks)[len(tasks) // 2]
    newer = get(path, include_closed="true", subtasks="true", date_updated_gt=pivot).json
    assert {t["id"] for t in newer["tasks"]} == {
        t["id"] for t in tasks if int(t["date_updated"]) >= pivot
    }
    older = get(path, include_closed="true", subtasks="true", date_updated_lt=pivot).json
    assert {t["id"] for t in older["tasks"]} == {
        t["id"] for t in tasks if int(t["date_updated"]) < pivot
    }


def test_order_by_and_reverse(tiny):
    get = api(tiny)
    path = f"/list/{tiny.data.tree.lists[0].id}/task"
    params = {"include_closed": "true", "subtasks": "true"}
    created = [int(t["date_created"]) for t in get(path, **params).json["tasks"]]
    assert created == sorted(created, reverse=True), "newest first by default"
    updated = get(path, order_by="updated", reverse="true", **params).json["tasks"]
    values = [int(t["date_updated"]) for t in updated]
    assert values == sorted(values)


def test_statuses_and_assignees_filters(tiny):
    get = api(tiny)
    task_list = tiny.data.tree.lists[0]
    path = f"/list/{task_list.id}/task"
    params = {"include_closed": "true", "subtasks": "true"}
    tasks = get(path, **params).json["tasks"]
    status = tasks[0]["status"]["status"]
    by_status = get(path, **{"statuses[]": status}, **params).json["tasks"]
    assert by_status
    assert {t["status"]["status"] for t in by_status} == {status}
    user_id = next(a["id"] for t in tasks for a in t["assignees"])
    by_user = get(path, **{"assignees[]": str(user_id)}, **params).json["tasks"]
    assert by_user
    assert all(user_id in [a["id"] for a in t["assignees"]] for t in by_user)


def test_archived_containers_are_listed_only_with_archived_true(tiny):
    get = api(tiny)
    team = tiny.data.tree.team_id
    active = get(f"/team/{team}/space").json["spaces"]
    archived = get(f"/team/{team}/space", archived="true").json["spaces"]
    assert all(not s["archived"] for s in active)
    assert archived
    assert all(s["archived"] for s in archived)
    space = active[0]["id"]
    assert all(not f["archived"] for f in get(f"/space/{space}/folder").json["folders"])
    assert get(f"/space/{space}/folder", archived="true").json["folders"]
    assert get(f"/space/{space}/list", archived="true").json["lists"][0]["archived"] is True


# --------------------------------------------------------------------------- auth / errors


def test_auth_failures_have_clickups_exact_bodies(tiny):
    client = Client(tiny)
    missing = client.get("/api/v2/team")
    assert (missing.status_code, missing.json) == (
        401,
        {"err": "Authorization header required", "ECODE": "OAUTH_017"},
    )
    for bad in ("pk_1_NOPE", f"Bearer {tiny.credentials['api_token']}"):
        wrong = client.get("/api/v2/team", headers={"Authorization": bad})
        assert (wrong.status_code, wrong.json) == (
            401,
            {"err": "Token invalid", "ECODE": "OAUTH_025"},
        )


def test_unknown_ids_and_routes(tiny):
    get = api(tiny)
    team = get("/team/123/space")
    assert (team.status_code, team.json) == (
        401,
        {"err": "Team not authorized", "ECODE": "OAUTH_027"},
    )
    space = get("/space/1/folder")
    assert (space.status_code, space.json) == (404, {"err": "Space not found", "ECODE": "ITEM_015"})
    assert get("/list/1/task").status_code == 404
    assert get("/task/zzz/comment").status_code == 404
    route = get("/nothing/here")
    assert route.status_code == 404
    assert "Cannot GET /api/v2/nothing/here" in route.text


def test_token_is_pk_style_and_seeded():
    token = ClickUpEmulator(size="tiny", generation=0).credentials["api_token"]
    assert token.startswith("pk_")
    user_id, key = token[3:].split("_")
    assert user_id.isdigit()
    assert key.isalnum()
    assert token == ClickUpEmulator(size="tiny", generation=0).credentials["api_token"]
    assert token != ClickUpEmulator(seed=2, size="tiny", generation=0).credentials["api_token"]


# --------------------------------------------------------------------------- rate limit


def test_rate_limit_headers_and_429():
    clock = FakeClock()
    emulator = ClickUpEmulator(size="tiny", generation=0, clock=clock)
    get = api(emulator)
    first = get("/team")
    assert first.headers["X-RateLimit-Limit"] == "100"
    assert first.headers["X-RateLimit-Remaining"] == "99"
    assert first.headers["X-RateLimit-Reset"] == str(int(clock.now) + 60)
    for _ in range(99):
        assert get("/team").status_code == 200
    throttled = get("/team")
    assert throttled.status_code == 429
    assert throttled.json == {"err": "Rate Limit reached", "ECODE": "APP_002"}
    assert throttled.headers["X-RateLimit-Remaining"] == "0"
    assert throttled.headers["X-RateLimit-Reset"] == str(int(clock.now) + 60)
    clock.now += 60
    assert get("/team").status_code == 200


def test_enterprise_rate_limit_override():
    emulator = ClickUpEmulator(size="tiny", generation=0, rate_limit=10_000, clock=FakeClock())
    assert api(emulator)("/team").headers["X-RateLimit-Limit"] == "10000"


# --------------------------------------------------------------------------- comments


def test_comments_are_paged_25_newest_first(tiny):
    get = api(tiny)
    task = max(
        (t for tl in tiny.data.tree.lists for t in tiny.data.list_tasks(tl).tasks),
        key=lambda t: len(t.comments),
    )
    first = get(f"/task/{task.id}/comment").json["comments"]
    assert len(first) == 25
    dates = [int(c["date"]) for c in first]
    assert dates == sorted(dates, reverse=True)
    rest = get(f"/task/{task.id}/comment", start=first[-1]["date"], start_id=first[-1]["id"])
    second = rest.json["comments"]
    assert len(first) + len(second) == len(task.comments)
    assert not {c["id"] for c in first} & {c["id"] for c in second}
    assert int(second[0]["date"]) <= dates[-1]


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes_other_seed_other_data():
    def snapshot(seed: int) -> list[bytes]:
        emulator = ClickUpEmulator(seed=seed, size="tiny", generation=2)
        get = api(emulator)
        lists = emulator.data.tree.lists
        return [get("/team").data] + [
            get(f"/list/{tl.id}/task", include_closed="true", subtasks="true").data for tl in lists
        ]

    assert snapshot(1) == snapshot(1)
    assert snapshot(1) != snapshot(2)


def test_timestamps_are_fixed_and_in_the_past(tiny):
    get = api(tiny)
    for tl in tiny.data.tree.lists:
        for task in get(f"/list/{tl.id}/task", include_closed="true", subtasks="true").json[
            "tasks"
        ]:
            assert int(task["date_created"]) <= int(task["date_updated"]) <= now_ms(0)


def test_time_entries_default_to_the_last_30_days_of_the_dataset(tiny):
    get = api(tiny)
    team = tiny.data.tree.team_id
    default = get(f"/team/{team}/time_entries").json["data"]
    everything = get(f"/team/{team}/time_entries", start_date=0).json["data"]
    assert len(everything) == tiny.counts()["time_entries"]
    assert 0 < len(default) < len(everything)
    assert all(int(e["start"]) >= now_ms(0) - 30 * DAY_MS for e in default)


# --------------------------------------------------------------------------- generations


def test_generations_update_and_create_tasks_after_everything_before():
    before = ClickUpEmulator(size="demo", generation=0)
    after = ClickUpEmulator(size="demo", generation=1)
    changes = after.changes(0)
    assert changes["tasks_created"] == 3
    assert 1 <= changes["tasks_updated"] <= 4
    assert changes["tasks_deleted"] >= 1
    assert after.counts()["tasks"] == before.counts()["tasks"] + 3 - changes["tasks_deleted"]
    assert after.counts()["task_comments"] == (
        before.counts()["task_comments"]
        + changes["comments_created"]
        - changes["task_comments_deleted"]
    )
    get = api(after)
    changed: list[dict[str, Any]] = []
    for tl in after.data.tree.lists:
        response = get(
            f"/list/{tl.id}/task",
            include_closed="true",
            subtasks="true",
            date_updated_gt=now_ms(0) + 1,
        )
        changed += response.json["tasks"]
    assert len(changed) == changes["tasks_updated"] + changes["tasks_created"]
    assert all(now_ms(0) < int(t["date_updated"]) <= now_ms(1) for t in changed)
    assert sum("(rev 1)" in t["name"] for t in changed) == changes["tasks_updated"]
    new_ids = {t["id"] for t in changed if int(t["date_created"]) > now_ms(0)}
    assert len(new_ids) == changes["tasks_created"]
    old_ids = {t.id for tl in before.data.tree.lists for t in before.data.list_tasks(tl).tasks}
    assert not new_ids & old_ids


def test_generations_are_reproducible_and_cumulative():
    g1 = ClickUpEmulator(size="tiny", generation=1)
    g2 = ClickUpEmulator(size="tiny", generation=2)
    assert g2.counts() == ClickUpEmulator(size="tiny", generation=2).counts()
    for key in ("tasks_created", "tasks_deleted", "goals_deleted"):
        assert g2.changes(0)[key] == g1.changes(0)[key] + g2.changes(1)[key]
    step = g2.changes(1)
    assert g2.counts()["tasks"] == (
        g1.counts()["tasks"] + step["tasks_created"] - step["tasks_deleted"]
    )
    assert g2.counts()["goals"] == g1.counts()["goals"] - step["goals_deleted"]


# --------------------------------------------------------------------------- writes


def test_writes_change_the_dataset():
    emulator = ClickUpEmulator(size="tiny", generation=0)
    client = Client(emulator)
    headers = {"Authorization": emulator.credentials["api_token"]}
    task_list = emulator.data.tree.lists[0]
    created = client.post(
        f"/api/v2/list/{task_list.id}/task",
        headers=headers,
        json={"name": "Write the launch post", "priority": 1, "status": "in progress"},
    )
    assert created.status_code == 200
    task = created.json
    assert (task["name"], task["priority"]["priority"], task["status"]["status"]) == (
        "Write the launch post",
        "urgent",
        "in progress",
    )
    assert int(task["date_created"]) > now_ms(0)
    listed = client.get(f"/api/v2/list/{task_list.id}/task", headers=headers).json["tasks"]
    assert task["id"] in {t["id"] for t in listed}

    updated = client.put(
        f"/api/v2/task/{task['id']}", headers=headers, json={"status": "complete"}
    ).json
    assert updated["status"]["type"] == "closed"
    assert updated["date_closed"] is not None
    assert int(updated["date_updated"]) > int(task["date_updated"])

    posted = client.post(
        f"/api/v2/task/{task['id']}/comment", headers=headers, json={"comment_text": "Done!"}
    ).json
    assert set(posted) == {"id", "hist_id", "date"}
    newest = client.get(f"/api/v2/task/{task['id']}/comment", headers=headers).json["comments"]
    assert newest[0]["comment_text"] == "Done!"


@pytest.mark.parametrize(
    ("path_kind", "body", "ecode"),
    [
        ("list", {"priority": 1}, "INPUT_005"),
        ("list", {"name": "x", "status": "nope"}, "INPUT_006"),
        ("list", {"name": "x", "priority": 9}, "INPUT_007"),
        ("comment", {}, "INPUT_008"),
        ("list", {"name": "x", "due_date": "tomorrow"}, "INPUT_010"),
        ("list", {"name": "x", "start_date": []}, "INPUT_010"),
        ("list", {"name": "x", "time_estimate": -5}, "INPUT_011"),
        ("list", {"name": "x", "points": "NaN"}, "INPUT_011"),
        ("list", {"name": "x", "assignees": {"add": 5}}, "INPUT_009"),
    ],
)
def test_bad_writes_are_400s(path_kind, body, ecode):
    emulator = ClickUpEmulator(size="tiny", generation=0)
    headers = {"Authorization": emulator.credentials["api_token"]}
    list_id = emulator.data.tree.lists[0].id
    task_id = emulator.data.list_tasks(emulator.data.tree.lists[0]).tasks[0].id
    url = (
        f"/api/v2/list/{list_id}/task" if path_kind == "list" else f"/api/v2/task/{task_id}/comment"
    )
    response = Client(emulator).post(url, headers=headers, json=body)
    assert response.status_code == 400
    assert response.json["ECODE"] == ecode


def test_a_rejected_update_changes_nothing():
    emulator = ClickUpEmulator(size="tiny", generation=0)
    headers = {"Authorization": emulator.credentials["api_token"]}
    task = emulator.data.list_tasks(emulator.data.tree.lists[0]).tasks[0]
    before = Client(emulator).get(f"/api/v2/task/{task.id}", headers=headers).json
    body = {"name": "Renamed", "status": "complete", "due_date": "soon"}
    response = Client(emulator).put(f"/api/v2/task/{task.id}", headers=headers, json=body)
    assert (response.status_code, response.json["ECODE"]) == (400, "INPUT_010")
    after = Client(emulator).get(f"/api/v2/task/{task.id}", headers=headers).json
    assert after == before


# --------------------------------------------------------------------------- served


def test_served_from_a_sandbox_url_with_a_request_log():
    served = start_for_url("sandbox://clickup?size=tiny&seed=3&generation=0")
    try:
        token = served.credentials["api_token"]
        response = requests.get(
            f"{served.base_url}/team", headers={"Authorization": token}, timeout=5
        )
        assert response.status_code == 200
        assert served.base_url.startswith("http://127.0.0.1:")
        assert served.base_url.endswith("/api/v2")
        (entry,) = served.emulator.request_log
        assert (entry.method, entry.path, entry.status) == ("GET", "/api/v2/team", 200)
        assert entry.headers["Authorization"] == hidden(token)
    finally:
        served.stop()


def test_a_served_emulator_follows_mutate(tmp_path):
    from brainhub.sandbox import state

    emulator = ClickUpEmulator(size="tiny", state_dir=tmp_path, rate_limit=100_000)
    assert emulator.generation == 0
    get = api(emulator)
    task_list = emulator.data.tree.lists[0]
    params = {"include_closed": "true", "subtasks": "true", "date_updated_gt": now_ms(0) + 1}
    assert get(f"/list/{task_list.id}/task", **params).json["tasks"] == []
    state.write_generation("clickup", 3, tmp_path)
    changed = []
    for tl in emulator.data.tree.lists:
        changed += get(f"/list/{tl.id}/task", **params).json["tasks"]
    assert emulator.generation == 3
    expected = ClickUpEmulator(size="tiny", generation=3).changes(0)
    assert len(changed) == expected["tasks_updated"] + expected["tasks_created"]


def test_generations_delete_tasks_with_their_subtasks_and_comments():
    before = ClickUpEmulator(size="tiny", generation=0)
    after = ClickUpEmulator(size="tiny", generation=2)
    changes = after.changes(0)
    get_before, get_after = api(before), api(after)
    ids_before = {t.id for tl in before.data.tree.lists for t in before.data.list_tasks(tl).tasks}
    ids_after = {t.id for tl in after.data.tree.lists for t in after.data.list_tasks(tl).tasks}
    deleted = ids_before - ids_after
    assert len(deleted) == changes["tasks_deleted"] >= 2
    for task_id in deleted:
        assert get_before(f"/task/{task_id}").status_code == 200
        gone = get_after(f"/task/{task_id}")
        assert (gone.status_code, gone.json) == (
            404,
            {"err": "Task not found", "ECODE": "ITEM_017"},
        )
        assert get_after(f"/task/{task_id}/comment").status_code == 404
    listed = set()
    for tl in after.data.tree.lists:
        for archived in ("false", "true"):
            params = {"include_closed": "true", "subtasks": "true", "archived": archived}
            listed |= {t["id"] for t in get_after(f"/list/{tl.id}/task", **params).json["tasks"]}
    assert not listed & deleted
    team = after.data.tree.team_id
    goals_before = {g["id"] for g in get_before(f"/team/{team}/goal").json["goals"]}
    goals_after = {g["id"] for g in get_after(f"/team/{team}/goal").json["goals"]}
    assert goals_after < goals_before
    assert len(goals_before - goals_after) == changes["goals_deleted"]
    task_counts = sum(int(tl["task_count"]) for tl in _all_lists(get_after, after))
    assert task_counts == after.counts()["tasks"]


def _all_lists(get: Any, emulator: ClickUpEmulator) -> list[dict[str, Any]]:
    lists = []
    for space in emulator.data.tree.spaces:
        if space.archived:
            continue
        lists += get(f"/space/{space.id}/list").json["lists"]
        for folder in get(f"/space/{space.id}/folder").json["folders"]:
            lists += folder["lists"]
    return lists
