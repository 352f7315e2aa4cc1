"""Sync definitions: the shipped ones load; bad ones fail with one line naming file:line and
what would be valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainhub.sync.definition import (
    SyncDefinitionError,
    load_definition,
    parse_definition,
    sync_files,
)

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
name: demo
left:  {connector: clickup, object: tasks,  scope: {list_id: "901"}}
right: {connector: github,  object: issues, scope: {repository: octo/api}}
match: {left: name, right: title}
delete: ignore
fields:
  - {left: name, right: title, conflict: newest-wins}
  - name: status
    left: status.status
    right: state
    to_right: [{map_values: {to do: open, complete: closed}}]
    to_left: [{map_values: {open: to do, closed: complete}}]
    conflict: left-wins
"""


def test_every_shipped_sync_loads() -> None:
    files = sync_files(ROOT)
    assert {f.stem for f in files} >= {"clickup-github"}
    for path in files:
        definition = load_definition(path)
        assert definition.name == path.stem
        assert definition.schema == "sync_" + path.stem.replace("-", "_")


def test_a_good_definition_reads_as_declared() -> None:
    definition = parse_definition(GOOD, "syncs/demo.yaml", expected_name="demo")
    assert [f.name for f in definition.fields] == ["name", "status"]
    status = definition.fields[1]
    assert status.left.read == "status.status"
    assert status.left.write == "status"
    assert status.conflict == "left-wins"
    assert definition.right.create_values() == {"repository": "api"}
    assert definition.right.settings() == {"owner": "octo"}


def test_an_interval_is_read_for_the_scheduler() -> None:
    definition = parse_definition(
        GOOD.replace("delete: ignore", "delete: ignore\ninterval: 300"),
        "syncs/demo.yaml",
        expected_name="demo",
    )
    assert definition.interval == 300
    assert parse_definition(GOOD, "syncs/demo.yaml", expected_name="demo").interval is None


BAD = [
    pytest.param(
        GOOD.replace("delete: ignore", "delete: ignore\ninterval: 0"),
        6,
        "0 is less than or equal to the minimum of 0",
        id="interval",
    ),
    pytest.param(
        GOOD.replace("delete: ignore", "delete: remove"),
        5,
        "'remove' is not valid (valid: propagate, archive, ignore)",
        id="delete-policy",
    ),
    pytest.param(
        GOOD.replace("conflict: left-wins", "conflict: left"),
        13,
        "(valid: left-wins, right-wins, newest-wins, manual)",
        id="conflict-policy",
    ),
    pytest.param(
        GOOD.replace("connector: github", "connector: gitlab"),
        3,
        "'gitlab' is not valid (valid: clickup, github, jira)",
        id="connector",
    ),
    pytest.param(
        GOOD.replace("object: issues", "object: pulls"),
        3,
        "github has no object 'pulls' a sync can keep in step (valid: issues)",
        id="object",
    ),
    pytest.param(
        GOOD.replace("scope: {list_id", "scope: {folder_id"),
        2,
        "no scope key 'folder_id' (valid: list_id)",
        id="scope-key",
    ),
    pytest.param(
        GOOD.replace("repository: octo/api", "repository: api"),
        3,
        "'api' is not valid; expected owner/name",
        id="scope-value",
    ),
    pytest.param(
        GOOD.replace("match: {left: name, right: title}", "match: {left: name}"),
        4,
        "'right' is a required property",
        id="match-missing",
    ),
    pytest.param(
        GOOD.replace(
            "  - {left: name, right: title, conflict: newest-wins}",
            "  - {left: name, right: title, confict: manual}",
        ),
        7,
        "unknown key 'confict' (valid: conflict, direction, left, name, right, to_left, to_right)",
        id="misspelt-key",
    ),
    pytest.param(
        GOOD.replace("{map_values: {to do: open, complete: closed}}", "{map_value: {}}"),
        11,
        "unknown function 'map_value'",
        id="unknown-function",
    ),
    pytest.param(
        GOOD.replace("left: status.status", "left: {read: status.status, write: state}"),
        9,
        "target-clickup does not write for tasks (valid: assignees",
        id="written-field",
    ),
    pytest.param(
        GOOD.replace("delete: ignore", "delete: archive"),
        2,
        "delete: archive needs left.archive",
        id="archive-values",
    ),
    pytest.param(
        GOOD.replace("name: demo", "name: other"),
        1,
        "name 'other' differs from the file's name",
        id="name-and-file",
    ),
    pytest.param(GOOD.replace("fields:", "fields: ["), 7, "not valid YAML", id="yaml"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_a_bad_definition_names_file_line_and_valid_values(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(SyncDefinitionError) as caught:
        parse_definition(text, "syncs/demo.yaml", expected_name="demo")
    error = str(caught.value)
    assert error.startswith(f"syncs/demo.yaml:{line}:"), error
    assert message in error
    assert "\n" not in error


def test_the_sync_page_documents_every_definition_key() -> None:
    from brainhub.sync.definition import definition_schema
    from brainhub.sync.reference import render_sync_reference

    page = render_sync_reference()
    schema = definition_schema()
    defs = schema["$defs"]
    keys = set(schema["properties"]) - {"$schema"}
    keys |= set(defs["side"]["properties"]) | set(defs["field"]["properties"])
    keys |= set(defs["field_side"]["oneOf"][1]["properties"])
    assert [key for key in sorted(keys) if f"| `{key}` |" not in page] == []
    for policy in defs["field"]["properties"]["conflict"]["enum"]:
        assert f"`{policy}`" in page


def test_a_second_sync_run_exits_0_saying_one_is_running(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from brainhub.cli import main
    from brainhub.sync.connections import Connections
    from brainhub.sync.runner import SyncBusyError, run_lock

    definition = load_definition(ROOT / "syncs" / "clickup-github.yaml")
    warehouse = ROOT / "data" / "sandbox.duckdb"
    connections = Connections(ROOT, "sandbox", warehouse)
    with run_lock(definition, connections):
        with (
            pytest.raises(SyncBusyError, match="already running"),
            run_lock(definition, connections),
        ):
            pass
        result = CliRunner().invoke(
            main, ["sync", "run", "clickup-github", "--project", str(ROOT), "-e", "sandbox"]
        )
    assert result.exit_code == 0, result.output
    assert "sync clickup-github is already running (PID " in result.output


def test_a_waiting_run_takes_the_lock_once_the_running_one_lets_go(tmp_path: Path) -> None:
    import threading
    import time

    from brainhub.sync.connections import Connections
    from brainhub.sync.runner import run_lock

    definition = load_definition(ROOT / "syncs" / "clickup-github.yaml")
    connections = Connections(ROOT, "sandbox", tmp_path / "warehouse.duckdb")
    released = threading.Event()
    seen: list[bool] = []

    def waiter() -> None:
        with run_lock(definition, connections, wait=True):
            seen.append(released.is_set())

    with run_lock(definition, connections):
        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.3)  # give the waiter time to reach the lock (no assertion on time)
        assert seen == []
        released.set()
    thread.join(timeout=30)
    assert seen == [True]


def test_an_unknown_sync_is_one_line_listing_the_syncs() -> None:
    from click.testing import CliRunner

    from brainhub.cli import main

    result = CliRunner().invoke(main, ["sync", "plan", "nosuch", "--project", str(ROOT)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "brainhub sync: no sync 'nosuch': syncs/nosuch.yaml does not exist "
        "(syncs: clickup-github, clickup-jira)"
    ]


def test_the_plan_json_has_totals_at_the_top_level_beside_each_side(tmp_path: Path) -> None:

    from brainhub.sync.engine import build_plan
    from brainhub.sync.store import SyncStore

    definition = load_definition(ROOT / "syncs" / "clickup-github.yaml")
    store = SyncStore(tmp_path / "warehouse.duckdb", definition.schema)
    with store.open() as con:
        con.execute("""
            CREATE SCHEMA raw_clickup; CREATE SCHEMA raw_github;
            CREATE TABLE raw_clickup.tasks AS SELECT * FROM (VALUES
              ('a', 'Same name', {'status': 'to do'}, 'text', [{'id': 80001000}], '1767225600000',
               {'id': '901601000000'}, [{'name': 'frontend'}]),
              ('b', 'Only in ClickUp', {'status': 'complete'}, NULL, [], '1767225600000',
               {'id': '901601000000'}, [{'name': 'docs'}]))
              t(id, name, status, description, assignees, date_updated, list, tags);
            CREATE TABLE raw_github.issues AS SELECT * FROM (VALUES
              (7, 'Same name', 'closed', 'text', [{'login': 'bruno'}],
               [{'name': 'enhancement'}, {'name': 'bug'}],
               TIMESTAMPTZ '2026-02-01 00:00:00+00', 'octo-sandbox/api'))
              t(number, title, state, body, assignees, labels, updated_at, repository_full_name);
        """)  # fmt: skip
        plan = build_plan(con, definition, store).as_json()
    assert {k: plan[k] for k in ("creates", "updates", "deletes", "conflicts")} == {
        "creates": 1,
        "updates": 1,
        "deletes": 0,
        "conflicts": 0,
    }
    assert plan["links"] == [{"left": "a", "right": "7"}]
    assert plan["right"]["creates"][0]["from"] == "b"
    assert plan["right"]["creates"][0]["values"]["status"] == "closed"
    assert plan["right"]["creates"][0]["values"]["tags"] == ["documentation"]
    # matched with no agreed values: status differs, left-wins sends ClickUp's to GitHub
    assert plan["right"]["updates"] == [
        {"id": "7", "linked": "a", "fields": {"status": {"old": "closed", "new": "open"}}}
    ]
    assert plan["left"] == {"creates": [], "updates": [], "deletes": []}


def test_every_shipped_sync_is_a_meltano_job() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "meltano.yml").read_text(encoding="utf-8"))
    utility = next(u for u in project["plugins"]["utilities"] if u["name"] == "brainhub")
    jobs = {job["name"]: job["tasks"] for job in project["jobs"]}
    for path in sync_files(ROOT):
        command = utility["commands"][f"sync-{path.stem}"]
        assert command["args"] == f"sync run {path.stem}"
        assert jobs[f"sync-{path.stem}"] == [f"brainhub:repair-runs brainhub:sync-{path.stem}"]
    schedules = {s["name"]: s["job"] for s in project["schedules"]}
    assert schedules["sync-clickup-github-every-15-minutes"] == "sync-clickup-github"


def test_sync_conflicts_lists_the_table_and_resolve_names_the_open_ones(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from brainhub.cli import main
    from brainhub.sync.store import SyncStore

    shutil.copy(ROOT / "meltano.yml", tmp_path / "meltano.yml")
    shutil.copytree(ROOT / "syncs", tmp_path / "syncs")
    store = SyncStore(tmp_path / "data" / "sandbox.duckdb", "sync_clickup_github")
    with store.open() as con:
        con.execute(
            "INSERT INTO sync_clickup_github.conflicts (conflict_id, left_id, right_id, field, "
            "policy, agreed_left, agreed_right, left_value, right_value, detected_at) "
            "VALUES ('c0ffee1234', 'cu1', '7', 'description', 'manual', 'old', 'old', "
            "'left text', 'right text', now())"
        )
    common = ["--project", str(tmp_path), "-e", "sandbox"]
    listed = CliRunner().invoke(main, ["sync", "conflicts", "clickup-github", *common])
    assert listed.exit_code == 0, listed.output
    assert "c0ffee1234  description  left cu1: left text  right 7: right text" in listed.output
    refused = CliRunner().invoke(
        main, ["sync", "resolve", "clickup-github", "nosuch", "--take", "left", *common]
    )
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        "brainhub sync: sync clickup-github has no open conflict 'nosuch' (open: c0ffee1234; "
        "list them with brainhub sync conflicts clickup-github)"
    )
