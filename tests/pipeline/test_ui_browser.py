"""The monitoring page in a real browser (headless Debian Chromium, driven by Playwright)
after a real sandbox run of ``clickup-to-duckdb`` through the Meltano CLI: every page loads
without a console error and draws its charts, the overview agrees with ``brainhub status``,
pausing from the page pauses the integration, a run in progress updates in place, and no
credential reaches a page or an answer. Screenshots go to ``test-artifacts/ui/``."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from brainhub.operate.record.store import RunStore
from brainhub.sandbox.registry import emulator_class
from brainhub.ui.app import create_app
from tests.pipeline.conftest import REPO, MeltanoProject

pytestmark = [pytest.mark.pipeline]

TINY = "sandbox://clickup?size=tiny&seed=1"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = REPO / "test-artifacts" / "ui"
#: Page → the SVG marks it must draw (the seeded run gives each of them data).
PAGES = {
    "overview": ("/", "svg.spark .mark"),
    "integration": ("/integrations/clickup-to-duckdb", "svg.bars rect.mark"),
    "usage": ("/usage", "svg.bars rect.mark"),
    "errors": ("/errors", None),
    "quality": ("/quality", None),
    "conflicts": ("/conflicts", None),
    "lineage": ("/lineage", "svg.lineage g.node"),
}


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> MeltanoProject:
    """A private project after one real ``meltano run clickup-to-duckdb`` (tiny sandbox)."""
    root = tmp_path_factory.mktemp("ui") / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    for name in (".venv", "transforms"):
        (root / name).symlink_to(REPO / name)
    (root / "data").mkdir()
    project = MeltanoProject(root)
    project.run("run", "clickup-to-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    return project


@pytest.fixture(scope="module")
def base_url(project: MeltanoProject) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(project.root, "sandbox"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (scripts/install-services.sh installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def cli_json(project: MeltanoProject, *args: str) -> list[dict]:
    return [json.loads(line) for line in project.brainhub(*args).stdout.splitlines()]


def operator_token(project: MeltanoProject, name: str) -> str:
    created = project.brainhub("tokens", "create", "--name", name, "--role", "operator")
    (token,) = [w for w in created.stdout.split() if w.startswith("bht_")]
    return token


def test_the_api_answers_what_the_cli_prints_after_a_real_run(
    project: MeltanoProject, base_url: str
) -> None:
    status = requests.get(f"{base_url}/api/status", timeout=30).json()
    assert status == cli_json(project, "status", "--json")
    runs = requests.get(f"{base_url}/api/runs", timeout=30).json()
    assert runs == cli_json(project, "runs", "--json")
    (run,) = [r for r in runs if r["integration"] == "clickup-to-duckdb"]
    assert run["status"] == "success"
    assert requests.get(f"{base_url}/api/runs/{run['id']}", timeout=30).json() == run
    integration = requests.get(f"{base_url}/api/integrations/clickup-to-duckdb", timeout=30).json()
    loaded = project.counts("raw_clickup")
    assert {s["stream"]: s["records"] for s in integration["streams"]} == loaded
    usage = requests.get(f"{base_url}/api/usage", timeout=30).json()
    (clickup,) = [c for c in usage["connectors"] if c["connector"] == "clickup"]
    assert clickup["requests"] == sum(s["requests"] for s in run["streams"].values())
    assert clickup["limit_per_hour"] == 6000
    lineage = {
        t["table"]: t for t in requests.get(f"{base_url}/api/lineage", timeout=30).json()["tables"]
    }
    assert lineage["raw_clickup.tasks"]["loaded_by"] == ["tap-clickup tasks"]
    assert "overdue-digest-to-slack" in lineage["mart_clickup.overdue_tasks"]["pipelines"]
    quality = requests.get(f"{base_url}/api/quality", timeout=30).json()
    assert {t["table"] for t in quality["tables"]} >= {"raw_clickup.tasks"}
    assert quality["schema_changes"] == []  # one load: every column came with it
    for endpoint in ("overview", "errors", "conflicts"):
        assert requests.get(f"{base_url}/api/{endpoint}", timeout=30).status_code == 200


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_without_console_errors_and_draws_its_charts(
    page: Page, base_url: str, name: str
) -> None:
    path, marks = PAGES[name]
    answer = page.goto(base_url + path)
    assert answer is not None
    assert answer.status == 200
    if marks:
        assert page.locator(marks).count() > 0, f"{name}: no {marks}"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]


def test_the_overview_shows_the_integrations_with_their_statuses(
    project: MeltanoProject, page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    expected = {s["name"]: s["status"] for s in cli_json(project, "status", "--json")}
    shown = {
        row.get_attribute("data-integration"): row.locator("[data-status]").inner_text()
        for row in page.locator("#integrations tr[data-integration]").all()
    }
    assert shown == expected
    row = page.locator('tr[data-integration="clickup-to-duckdb"]')
    expect(row.locator("a .status")).to_have_text("success")
    assert page.problems == []  # type: ignore[attr-defined]


def test_pausing_from_the_page_changes_brainhub_status(
    project: MeltanoProject, page: Page, base_url: str
) -> None:
    token = operator_token(project, "page-operator")
    page.goto(base_url + "/integrations/overdue-digest-to-slack")
    page.fill("input[name=token]", token)
    page.click("#pause")
    expect(page.locator("#status")).to_have_text("paused")
    statuses = {s["name"]: s["status"] for s in cli_json(project, "status", "--json")}
    assert statuses["overdue-digest-to-slack"] == "paused"
    page.fill("input[name=token]", token)
    page.click("#resume")
    expect(page.locator("#status")).to_have_text("active")
    audit = project.brainhub("audit", "--json").stdout
    assert "integration.paused" in audit
    assert "ui.pause" in audit
    assert token not in audit
    assert page.problems == []  # type: ignore[attr-defined]


def test_a_run_in_progress_updates_without_a_reload(
    project: MeltanoProject, page: Page, base_url: str
) -> None:
    store = RunStore.of_project(project.root)
    run_id = "0f0f0f0f-1111-4222-8333-444455556666"
    store.begin(
        run_id, integration="clickup-to-duckdb", trigger="api", environment="sandbox", part="tap"
    )
    store.write_counts(run_id, "tap", {"tasks": {"read": 5, "requests": 1}})
    page.goto(f"{base_url}/runs/{run_id}")
    expect(page.locator("#run-status")).to_have_text("running")
    page.evaluate("window.sameDocument = true")
    store.write_counts(
        run_id,
        "tap",
        {"tasks": {"read": 57, "requests": 4, "throttled": 1}, "lists": {"read": 3, "requests": 1}},
    )
    expect(page.locator('tr[data-stream="tasks"] td[data-count="read"]')).to_have_text("57")
    expect(page.locator('tr[data-stream="lists"] td[data-count="read"]')).to_have_text("3")
    store.finish_part(run_id, "tap")
    expect(page.locator("#run-status")).to_have_text("success")
    assert page.evaluate("window.sameDocument") is True
    page.screenshot(path=str(ARTEFACTS / "run.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]


def test_no_credential_in_any_page_or_answer(
    project: MeltanoProject, page: Page, base_url: str
) -> None:
    secrets = set(emulator_class("clickup")(seed=1, size="tiny").credentials.values())
    secrets |= set(emulator_class("clickup")(seed=1, size="demo").credentials.values())
    secrets.add(operator_token(project, "secret-check"))
    assert all(secrets)
    runs = requests.get(f"{base_url}/api/runs", timeout=30).json()
    paths = [p for p, _ in PAGES.values()] + [f"/runs/{r['id']}" for r in runs]
    texts = []
    for path in paths:
        page.goto(base_url + path)
        texts.append(page.content())
    for endpoint in (
        "status",
        "runs",
        "overview",
        "usage",
        "errors",
        "quality",
        "conflicts",
        "lineage",
        "integrations/clickup-to-duckdb",
    ):
        texts.append(requests.get(f"{base_url}/api/{endpoint}", timeout=30).text)
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_run_now_starts_a_recorded_run_with_trigger_api(
    project: MeltanoProject, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in project.env(TAP_CLICKUP_BASE_URL=TINY).items():
        monkeypatch.setenv(name, value)
    url = f"{base_url}/api/integrations/clickup-to-duckdb/run"
    assert requests.post(url, timeout=30).status_code == 401
    token = operator_token(project, "run-now")
    answer = requests.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 202
    assert answer.json() == {"integration": "clickup-to-duckdb", "started": True}
    store = RunStore.of_project(project.root)
    deadline = time.monotonic() + 240
    while True:
        started = [
            r
            for r in store.runs(integration="clickup-to-duckdb")
            if r.trigger == "api" and r.id != "0f0f0f0f-1111-4222-8333-444455556666"
        ]
        if started and started[0].status != "running":
            break
        assert time.monotonic() < deadline, (
            project.root / "data" / "logs" / "ui-runs.log"
        ).read_text()
        time.sleep(0.5)
    assert started[0].status == "success", started[0].error
    assert started[0].total("read") > 0
    audit = project.brainhub("audit", "--json").stdout
    assert '"ui.run"' in audit
