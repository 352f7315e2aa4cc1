"""The monitoring page's JSON API over a seeded run store and warehouse: each endpoint's
figures, the actions' token checks and audit entries, a locked warehouse, no secrets."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from brainhub.access import Role
from brainhub.audit import AuditLog
from brainhub.cli import main
from brainhub.redaction import scrub_by_place
from brainhub.ui.app import create_app
from tests.support.ui_project import UiProject

CLICKUP_RUN = "c0000000-0000-4000-8000-000000000000"
FAILED_RUN = "c2000000-0000-4000-8000-000000000000"


@pytest.fixture
def client(ui_project: UiProject) -> FlaskClient:
    return create_app(ui_project.root, "sandbox").test_client()


def cli_json_lines(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def scrubbed(entries: list[dict]) -> list[dict]:
    """The CLI's JSON with what the page does to errors: credentials cut."""
    for entry in entries:
        for run in (entry, entry.get("last_run") or {}):
            for key in ("error", "traceback"):
                if run.get(key):
                    run[key] = scrub_by_place(run[key])
    return entries


def test_api_status_is_what_brainhub_status_json_prints(client: FlaskClient) -> None:
    cli = cli_json_lines("status", "--json")
    assert client.get("/api/status").json == scrubbed(cli)


def test_api_runs_is_what_brainhub_runs_json_prints(client: FlaskClient) -> None:
    cli = cli_json_lines("runs", "--json")
    assert any("LEAKEDSECRET" in (r["error"] or "") for r in cli)  # the store has it
    assert client.get("/api/runs").json == scrubbed(cli)
    assert client.get("/api/runs?integration=clickup-to-duckdb&limit=2").json == scrubbed(
        cli_json_lines("runs", "--json", "--integration", "clickup-to-duckdb", "--limit", "2")
    )


def test_overview(client: FlaskClient) -> None:
    data = client.get("/api/overview").json
    by_name = {i["name"]: i for i in data["integrations"]}
    clickup = by_name["clickup-to-duckdb"]
    assert clickup["records_per_run"] == [12, 22, 32, 42]  # oldest first
    assert (clickup["status"], clickup["connector"], clickup["last_run"]["status"]) == (
        "active",
        "clickup",
        "success",
    )
    assert clickup["oldest_freshness"] == min(clickup["freshness"].values())
    assert by_name["github-issues-to-clickup"]["connector"] == "github"
    assert data["last_24h"] == {
        "runs": 6,
        "failed": 3,
        "interrupted": 0,
        "running": 0,
        "records": 10 + 20 + 30 + 40 + 4 * 2 + 3 + 3,
        "requests": 4 * 6 + 2 * 7,
    }
    assert data["open_conflicts"] == 1


def test_integration(client: FlaskClient) -> None:
    data = client.get("/api/integrations/clickup-to-duckdb").json
    assert [r["status"] for r in data["runs"]] == ["success", "success", "failed", "success"]
    assert [r["records"] for r in data["runs"]] == [12, 22, 32, 42]
    assert all(r["duration_s"] is not None and r["duration_s"] >= 0 for r in data["runs"])
    streams = {s["stream"]: s for s in data["streams"]}
    assert streams["tasks"]["records"] == 40
    assert streams["tasks"]["rejected"] == 4
    assert streams["tasks"]["fresh_as_of"] == data["freshness"]["tasks"]
    assert "api_token" in data["settings"]["tap-clickup"]  # names only
    assert client.get("/api/integrations/nothing-like-it").status_code == 404


def test_an_ad_hoc_pipeline_has_its_page(ui_project: UiProject, client: FlaskClient) -> None:
    name = "tap-asana→target-duckdb"
    ui_project.store.begin(
        "e0", integration=name, trigger="manual", environment="sandbox", part="tap"
    )
    ui_project.store.write_counts("e0", "tap", {"tasks": {"read": 4, "requests": 2}})
    ui_project.store.finish_part("e0", "tap")
    overview = client.get("/").text
    assert 'href="/integrations/tap-asana%E2%86%92target-duckdb"' in overview
    data = client.get("/api/integrations/tap-asana%E2%86%92target-duckdb").json
    assert (data["name"], data["kind"], data["connector"]) == (name, "pipeline", "asana")
    assert data["settings"]["tap-asana"]
    assert client.get("/integrations/tap-asana%E2%86%92target-duckdb").status_code == 200


def test_run_with_its_error_scrubbed(client: FlaskClient) -> None:
    run = client.get(f"/api/runs/{FAILED_RUN[:8]}").json
    assert run["id"] == FAILED_RUN
    assert run["status"] == "failed"
    assert run["streams"]["tasks"]["throttled"] == 1
    assert run["streams"]["tasks"]["waited"] == 2.0
    assert "LEAKEDSECRET" not in run["error"]
    assert "https://api.clickup.com" in run["error"]
    assert run["traceback"].startswith("Traceback")
    page = client.get(f"/runs/{FAILED_RUN}").text
    assert "LEAKEDSECRET" not in page
    assert "Stack trace" in page
    assert client.get("/api/runs/ffffffff").status_code == 404


def test_usage_against_the_declared_limit_and_the_price_table(
    ui_project: UiProject, client: FlaskClient
) -> None:
    data = client.get("/api/usage").json
    clickup = next(c for c in data["connectors"] if c["connector"] == "clickup")
    assert clickup["rate_limit"] == {"requests": 100, "per_seconds": 60.0}
    assert clickup["limit_per_hour"] == 6000
    assert clickup["requests"] == 24
    assert clickup["throttled"] == 4
    assert clickup["waited_s"] == 8.0
    assert sum(h["requests"] for h in clickup["hours"]) == 24
    assert clickup["cost"] == 0
    assert "every cost is zero" in data["prices_note"]

    (ui_project.root / "api-prices.yaml").write_text(
        "currency: EUR\nconnectors:\n  clickup: {per_1000_requests: 2.5}\n", encoding="utf-8"
    )
    priced = client.get("/api/usage").json
    clickup = next(c for c in priced["connectors"] if c["connector"] == "clickup")
    assert (priced["currency"], priced["prices_note"]) == ("EUR", None)
    assert clickup["cost"] == pytest.approx(24 / 1000 * 2.5)


def test_a_bad_price_table_is_one_line(ui_project: UiProject, client: FlaskClient) -> None:
    (ui_project.root / "api-prices.yaml").write_text(
        "connectors:\n  clickup: {per_1000_requests: cheap}\n", encoding="utf-8"
    )
    answer = client.get("/api/usage")
    assert answer.status_code == 400
    assert answer.json["error"] == (
        "api-prices.yaml: connectors.clickup.per_1000_requests must be a number >= 0, got 'cheap'"
    ) or answer.json["error"].endswith(
        "api-prices.yaml: connectors.clickup.per_1000_requests must be a number >= 0, got 'cheap'"
    )


def test_errors(client: FlaskClient) -> None:
    data = client.get("/api/errors").json
    rates = {c["connector"]: (c["failed"], c["finished"]) for c in data["connectors"]}
    assert rates == {"clickup": (1, 4), "github": (2, 2)}
    top = data["top_errors"]
    assert (top[0]["message"], top[0]["runs"]) == ("secondary rate limit exceeded", 2)
    assert top[1]["runs"] == 1
    assert "LEAKEDSECRET" not in top[1]["message"]


def test_quality(client: FlaskClient) -> None:
    data = client.get("/api/quality").json
    rejects = {(r["schema"], r["kind"], r["reason"]): r["records"] for r in data["rejects"]}
    assert rejects == {
        ("raw_clickup", "load", "schema"): 2,
        ("raw_clickup", "load", "key"): 1,
        ("clickup_github", "write", "400 Status not found"): 1,
        ("stg_clickup", "transform", "to_timestamp: not a date: soon"): 3,
    }
    assert [(c["table"], c["property"], c["column"]) for c in data["schema_changes"]] == [
        ("raw_clickup.tasks", "due date", "due_date")
    ]
    (table,) = data["tables"]
    assert (table["table"], table["columns"]) == ("raw_clickup.tasks", 3)
    assert table["last_changed"] == data["schema_changes"][0]["seen_at"]
    assert {(f["integration"], f["stream"]) for f in data["freshness"]} == {
        ("clickup-to-duckdb", "tasks"),
        ("clickup-to-duckdb", "lists"),
    }
    assert data["warehouse"]["note"] is None


def test_conflicts(ui_project: UiProject, client: FlaskClient) -> None:
    (ui_project.root / "syncs").mkdir()
    (ui_project.root / "syncs" / "clickup-jira.yaml").write_text("{}\n", encoding="utf-8")
    data = client.get("/api/conflicts").json
    (sync,) = data["syncs"]
    assert (sync["sync"], sync["schema"], sync["open"], data["open"]) == (
        "clickup-jira",
        "sync_clickup_jira",
        1,
        1,
    )
    assert [c["open"] for c in sync["conflicts"]] == [True, False]
    assert sync["conflicts"][0]["conflict_id"] == "k1"
    sync_group = main.commands.get("sync")
    installed = isinstance(sync_group, click.Group) and "resolve" in sync_group.commands
    assert data["can_resolve"] is installed


def test_without_sync_resolve_the_conflicts_are_read_only(
    ui_project: UiProject, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installation without the two-way sync engine's command.
    monkeypatch.setattr("brainhub.ui.monitor.resolve_command_exists", lambda: False)
    data = client.get("/api/conflicts").json
    assert data["can_resolve"] is False
    assert "sync resolve" in data["resolve_note"]
    page = client.get("/conflicts").text
    assert "read-only" in page
    assert "take left" not in page
    token = ui_project.token("ops", Role.OPERATOR)
    answer = client.post(
        "/api/conflicts/clickup_jira/k1/resolve",
        json={"take": "left"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 409
    assert "sync resolve" in answer.json["error"]


def test_lineage(client: FlaskClient) -> None:
    tables = {t["table"]: t for t in client.get("/api/lineage").json["tables"]}
    assert tables["raw_clickup.tasks"]["loaded_by"] == ["tap-clickup tasks"]
    assert "stg_clickup.tasks" in tables["raw_clickup.tasks"]["models"]
    assert tables["mart_clickup.overdue_tasks"]["built_from"] == ["stg_clickup.tasks"]
    assert tables["mart_clickup.overdue_tasks"]["pipelines"] == ["overdue-digest-to-slack"]
    assert tables["stg_clickup.tasks__rejected"]["built_from"] == ["stg_clickup.tasks"]


def test_a_loading_warehouse_gives_the_last_values_with_a_note(
    ui_project: UiProject, client: FlaskClient
) -> None:
    before = client.get("/api/quality").json
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('holding', flush=True); sys.stdin.read()",
            str(ui_project.warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        during = client.get("/api/quality").json
        fresh = create_app(ui_project.root, "sandbox").test_client().get("/api/quality").json
        page = client.get("/quality").text
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
        if holder.stdout is not None:
            holder.stdout.close()
    assert during["rejects"] == before["rejects"]
    assert "being loaded by" in during["warehouse"]["note"]
    assert before["warehouse"]["read_at"] in during["warehouse"]["note"]
    assert fresh["rejects"] == []
    assert "nothing read yet" in fresh["warehouse"]["note"]
    assert "being loaded by" in page


def test_actions_need_a_token_of_the_right_role_and_are_audited(
    ui_project: UiProject, client: FlaskClient
) -> None:
    url = "/api/integrations/clickup-to-duckdb/pause"
    assert client.post(url).status_code == 401
    viewer = ui_project.token("watcher", Role.VIEWER)
    denied = client.post(url, headers={"Authorization": f"Bearer {viewer}"})
    assert denied.status_code == 403
    assert "operator" in denied.json["error"]
    operator = ui_project.token("ops", Role.OPERATOR)
    done = client.post(url, headers={"Authorization": f"Bearer {operator}"})
    assert done.status_code == 200, done.json
    assert done.json == {"integration": "clickup-to-duckdb", "before": "active", "after": "paused"}
    statuses = {s["name"]: s["status"] for s in cli_json_lines("status", "--json")}
    assert statuses["clickup-to-duckdb"] == "paused"
    # The page's form sends the token as a field and is sent back to the integration.
    form = client.post("/integrations/clickup-to-duckdb/resume", data={"token": operator})
    assert form.status_code == 303
    assert "/integrations/clickup-to-duckdb" in form.location
    actions = [(e.action, e.subject) for e in AuditLog.of_project(ui_project.root).entries()]
    assert actions.count(("access.denied", "runs.pause")) == 2
    assert ("integration.paused", "clickup-to-duckdb") in actions
    assert ("ui.pause", "clickup-to-duckdb") in actions
    assert ("integration.resumed", "clickup-to-duckdb") in actions
    by = [
        e.detail.get("by")
        for e in AuditLog.of_project(ui_project.root).entries()
        if e.action.startswith("ui.")
    ]
    assert by == ["ops", "ops"]
    log = (ui_project.root / "data").rglob("*")
    assert not any(
        operator in p.read_text(errors="replace")
        for p in log
        if p.is_file() and p.suffix in (".jsonl", ".json", ".log")
    )


def test_no_secret_in_any_page_or_answer(ui_project: UiProject, client: FlaskClient) -> None:
    token = ui_project.token("ops", Role.OPERATOR)
    pages = [
        "/",
        "/usage",
        "/errors",
        "/quality",
        "/conflicts",
        "/lineage",
        "/integrations/clickup-to-duckdb",
        f"/runs/{FAILED_RUN}",
        f"/runs/{CLICKUP_RUN}",
    ]
    apis = [
        "/api/overview",
        "/api/status",
        "/api/runs",
        "/api/usage",
        "/api/errors",
        "/api/quality",
        "/api/conflicts",
        "/api/lineage",
        "/api/integrations/clickup-to-duckdb",
        f"/api/runs/{FAILED_RUN}",
    ]
    for url in pages + apis:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "LEAKEDSECRET" not in answer.text, url
        assert token not in answer.text, url


def test_another_sites_host_name_is_refused(client: FlaskClient) -> None:
    # A name that resolves to 127.0.0.1 (DNS rebinding) does not read the loopback page.
    assert client.get("/api/status", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/api/status", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_a_remote_caller_needs_a_token_for_every_page_and_answer(
    ui_project: UiProject, client: FlaskClient
) -> None:
    """Every GET route without arguments, from another machine: no token or a revoked or
    malformed one → 401, a viewer's or operator's → answered; from this machine → answered."""
    app = client.application
    urls = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )
    assert {"/", "/api/status", "/api/runs", "/api/lineage"} <= set(urls)
    remote = {"REMOTE_ADDR": "192.0.2.7"}
    viewer = ui_project.token("remote-viewer", Role.VIEWER)
    operator = ui_project.token("remote-ops", Role.OPERATOR)
    for url in urls:
        if url == "/health":
            assert client.get(url, environ_base=remote).status_code == 200
            continue
        for header in (None, "Bearer bht_malformed", "Basic abc"):
            headers = {"Authorization": header} if header else {}
            answer = client.get(url, environ_base=remote, headers=headers)
            assert answer.status_code == 401, (url, header)
        for token in (viewer, operator):
            answer = client.get(
                url, environ_base=remote, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200, (url, answer.status_code)
        assert client.get(url).status_code == 200, url
    denials = [
        e for e in AuditLog.of_project(ui_project.root).entries() if e.action == "access.denied"
    ]
    assert len(denials) == 3 * (len(urls) - 1)
