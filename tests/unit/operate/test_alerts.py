"""Alert rules: alerts.yaml checked with file:line and what is valid; each condition judged
from a run store filled by hand; one incident per rule and integration, with a recovery
notice; the webhook channel posts once per incident; `brainhub alerts` lists them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.operate.alerts.check import check_alerts
from brainhub.operate.alerts.conditions import evaluate, tap_service
from brainhub.operate.alerts.rules import AlertsFileError, Rule, parse_alerts
from brainhub.operate.record import RunStore
from brainhub.operate.record.store import Run, StreamCounts

MELTANO_YML = """\
default_environment: sandbox
environments:
- name: sandbox
plugins:
  extractors:
  - name: tap-github--issues
    inherit_from: tap-github
jobs:
- name: clickup-to-duckdb
  tasks: [brainhub:repair-runs tap-clickup target-duckdb]
- name: github-issues
  tasks: [tap-github--issues target-duckdb]
"""
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "BRAINHUB_ERROR_AFTER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "meltano.yml").write_text(MELTANO_YML)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def record_run(
    store: RunStore, run_id: str, integration: str, *, failed: bool = False, **counts: int
) -> None:
    store.begin(run_id, integration=integration, trigger="schedule", environment="sandbox")
    store.write_counts(run_id, "tap", {"tasks": {"read": 5, **counts}})
    store.settle(run_id, failed=failed, error="HTTP 500 from ClickUp" if failed else None)


def run(status: str, minutes_ago: float, took_s: float = 60, **counts: Any) -> Run:
    started = NOW - timedelta(minutes=minutes_ago)
    return Run(
        id=f"r{minutes_ago:g}",
        integration="x",
        trigger="schedule",
        environment="sandbox",
        status=status,
        started_at=started.isoformat(),
        finished_at=(started + timedelta(seconds=took_s)).isoformat(),
        error="boom" if status == "failed" else None,
        streams={"tasks": StreamCounts(**counts)},
    )


# -- alerts.yaml --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "rules:\n  - run_failed: true\n  - consecutive_failures: three\n",
            "alerts.yaml:3: rules[1].consecutive_failures: expected integer, got a string 'three'",
        ),
        (
            "rules:\n  - error_rate_above: 50\n",
            "alerts.yaml:2: rules[0].error_rate_above: expected string, got an integer 50",
        ),
        (
            "rules:\n  - stale_stream: 2 hours\n",
            "alerts.yaml:2: rules[0].stale_stream: '2 hours' does not match ^[0-9]+[smhd]$",
        ),
        (
            "channels:\n  ops: {type: email}\n",
            "alerts.yaml:2: channels.ops.type: 'email' is not valid here (valid: slack, "
            "webhook, log)",
        ),
        (
            "rules:\n  - run_failed: true\n    sevrity: high\n",
            "alerts.yaml:3: rules[0]: unknown key 'sevrity' (valid keys: api_budget_above, "
            "consecutive_failures, error_rate_above, integrations, name, notify, "
            "rejects_above, run_failed, run_interrupted, stale_stream, window)",
        ),
        (
            "rules:\n  - integrations: [a]\n",
            "alerts.yaml:2: rules[0]: has no condition; give exactly one of run_failed, "
            "consecutive_failures, error_rate_above, stale_stream, api_budget_above, "
            "rejects_above, run_interrupted",
        ),
        (
            "rules:\n  - run_failed: true\n    rejects_above: 3\n",
            "alerts.yaml:2: rules[0]: has run_failed, rejects_above; give exactly one of "
            "run_failed, consecutive_failures, error_rate_above, stale_stream, "
            "api_budget_above, rejects_above, run_interrupted",
        ),
        (
            "channels:\n  ops: {type: log}\nrules:\n  - run_failed: true\n    notify: [pager]\n",
            "alerts.yaml:5: rules[0].notify: no channel 'pager' (channels: ops)",
        ),
        (
            "channels:\n  hook:\n    type: webhook\n",
            "alerts.yaml:3: channels.hook: a webhook channel needs 'url'",
        ),
        ("rules: [run_failed: true\n", "alerts.yaml:2: not valid YAML: expected ',' or ']'"),
        ("- run_failed: true\n", "alerts.yaml:1: (top level): expected object, got a list"),
        ("rules: {a: 1}\n", "alerts.yaml:1: rules: expected array, got a mapping"),
        ("rules: 5\n", "alerts.yaml:1: rules: expected array, got an integer 5"),
    ],
)
def test_a_bad_alerts_file_is_one_line_with_where_and_what_is_valid(text: str, line: str) -> None:
    with pytest.raises(AlertsFileError) as caught:
        parse_alerts(text)
    assert str(caught.value).startswith(line)
    assert "\n" not in str(caught.value)


def test_brainhub_alerts_check_on_a_bad_file_says_one_line_and_fails(project: Path) -> None:
    (project / "alerts.yaml").write_text("rules:\n  - consecutive_failures: 0\n")
    result = CliRunner().invoke(main, ["alerts", "check"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: alerts.yaml:2: rules[0].consecutive_failures: 0 is less than the minimum of 1\n"
    )


def test_rules_read_their_thresholds_and_channels() -> None:
    config = parse_alerts(
        "channels:\n  ops: {type: slack, channel: '#alerts'}\n  log: {type: log}\n"
        "rules:\n  - error_rate_above: 12.5%\n    window: 30m\n    notify: [ops]\n"
        "  - name: stale\n    stale_stream: 2h\n    integrations: [a]\n"
    )
    rate, stale = config.rules
    assert (rate.name, rate.threshold, rate.window_s) == ("error-rate-above", 12.5, 1800)
    assert [c.name for c in config.channels_of(rate)] == ["ops"]
    assert (stale.threshold, stale.watches("a"), stale.watches("b")) == (7200, True, False)
    assert [c.name for c in config.channels_of(stale)] == ["ops", "log"]


# -- conditions ---------------------------------------------------------------------------


def rule(condition: str, threshold: float, **options: Any) -> Rule:
    return Rule(condition, condition, threshold, **options)


def test_run_failed_holds_while_the_last_finished_run_failed() -> None:
    failed = [run("failed", 5), run("success", 60)]
    message = evaluate(rule("run_failed", 1), failed, 1, NOW, None)
    assert message == "run r5 failed: boom"
    running_after_success = [run("running", 1), run("success", 5)]
    assert evaluate(rule("run_failed", 1), running_after_success, 0, NOW, None) is None


def test_consecutive_failures_reads_the_streak() -> None:
    assert evaluate(rule("consecutive_failures", 3), [], 2, NOW, None) is None
    assert evaluate(rule("consecutive_failures", 3), [], 3, NOW, None) == (
        "3 failed runs in a row (rule: 3 or more)"
    )


def test_error_rate_counts_the_runs_finished_within_the_window() -> None:
    runs = [run("failed", 10), run("success", 20), run("failed", 30), run("failed", 120)]
    hour = rule("error_rate_above", 50, window_s=3600)
    assert evaluate(hour, runs, 0, NOW, None) == (
        "67% of its runs failed in the last 1h (2 of 3; rule: above 50%)"
    )
    assert evaluate(rule("error_rate_above", 70, window_s=3600), runs, 0, NOW, None) is None


def test_stale_stream_names_streams_older_than_their_freshness_limit() -> None:
    runs = [run("failed", 10), run("success", 181, took_s=60)]
    assert evaluate(rule("stale_stream", 7200), runs, 0, NOW, None) == (
        "stale streams: tasks (3h old) (freshness limit 2h)"
    )
    assert evaluate(rule("stale_stream", 4 * 3600), runs, 0, NOW, None) is None


def test_api_budget_compares_requests_with_the_specs_declared_limit() -> None:
    # ClickUp declares 100 requests a minute: 170 requests in two minutes is 85 %
    busy = [run("success", 5, took_s=120, requests=170)]
    assert evaluate(rule("api_budget_above", 80), busy, 0, NOW, "clickup") == (
        "run r5 used 85% of clickup's declared rate limit (170 requests in 120 s "
        "against 100 per 60 s; rule: above 80%)"
    )
    calm = [run("success", 5, took_s=120, requests=100)]
    assert evaluate(rule("api_budget_above", 80), calm, 0, NOW, "clickup") is None
    throttled = [run("success", 5, took_s=120, requests=10, throttled=2)]
    message = evaluate(rule("api_budget_above", 80), throttled, 0, NOW, "clickup")
    assert message is not None
    assert "used 100%" in message
    assert "2 answers throttled" in message


def test_rejects_above_counts_rejected_and_refused_records() -> None:
    runs = [run("success", 5, rejected=3, failed=2)]
    assert evaluate(rule("rejects_above", 4), runs, 0, NOW, None) == (
        "run r5 rejected or had refused 5 records (rule: above 4)"
    )
    assert evaluate(rule("rejects_above", 5), runs, 0, NOW, None) is None


def test_an_integration_is_tied_to_the_connector_its_tap_reads(project: Path) -> None:
    from brainhub.environments import load_project

    meltano = load_project(project)
    assert tap_service(meltano, "clickup-to-duckdb") == "clickup"
    assert tap_service(meltano, "github-issues") == "github"
    assert tap_service(meltano, "tap-jira→target-duckdb") == "jira"
    assert tap_service(meltano, "a-sync") is None


# -- incidents and the webhook ------------------------------------------------------------


class Hook:
    """A loopback HTTP server keeping every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"


@pytest.fixture
def hook() -> Iterator[Hook]:
    served = Hook()
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()
    thread.join()


def test_the_webhook_is_posted_once_per_incident_and_once_on_recovery(
    project: Path, hook: Hook
) -> None:
    (project / "alerts.yaml").write_text(
        f"channels:\n  hook: {{type: webhook, url: '{hook.url}'}}\n"
        "rules:\n  - run_failed: true\n    integrations: [clickup-to-duckdb]\n"
    )
    store = RunStore.of_project(project)
    record_run(store, "r1", "clickup-to-duckdb", failed=True)

    opened = check_alerts(project, environment="sandbox")
    record_run(store, "r2", "clickup-to-duckdb", failed=True)  # the same incident goes on
    again = check_alerts(project, environment="sandbox")

    assert [a.rule for a in opened.opened] == ["run-failed"]
    assert again.opened == []
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["event"] == "alert.opened"
    assert body["integration"] == "clickup-to-duckdb"
    assert body["rule"] == "run-failed"
    assert body["message"] == "run r1 failed: HTTP 500 from ClickUp"
    assert body["environment"] == "sandbox"

    record_run(store, "r3", "clickup-to-duckdb")
    closed = check_alerts(project, environment="sandbox")
    check_alerts(project, environment="sandbox")
    assert [a.rule for a in closed.closed] == ["run-failed"]
    assert [b["event"] for b in hook.bodies] == ["alert.opened", "alert.closed"]
    assert hook.bodies[1]["closed_at"] is not None

    record_run(store, "r4", "clickup-to-duckdb", failed=True)  # a new incident
    check_alerts(project, environment="sandbox")
    assert [b["event"] for b in hook.bodies] == ["alert.opened", "alert.closed", "alert.opened"]
    assert hook.bodies[2]["id"] != body["id"]


def test_a_webhook_that_fails_is_tried_again_by_the_next_check_only(
    project: Path, hook: Hook
) -> None:
    dead = "http://127.0.0.1:9/alerts/s3cr3t-path"  # nothing listens on the discard port
    alerts_yaml = (
        "channels:\n  hook: {{type: webhook, url: '{url}', timeout: 2}}\n"
        "rules:\n  - consecutive_failures: 2\n"
    )
    (project / "alerts.yaml").write_text(alerts_yaml.format(url=dead))
    store = RunStore.of_project(project)
    record_run(store, "r1", "clickup-to-duckdb", failed=True)
    record_run(store, "r2", "clickup-to-duckdb", failed=True)

    first = check_alerts(project)
    assert len(first.opened) == 1
    assert first.failed_deliveries == [  # the URL's path may be its secret: not shown
        "channel hook: POST http://127.0.0.1:9 failed: ConnectionError"
    ]

    (project / "alerts.yaml").write_text(alerts_yaml.format(url=hook.url))
    check_alerts(project)
    check_alerts(project)
    assert [b["message"] for b in hook.bodies] == ["2 failed runs in a row (rule: 2 or more)"]


def test_brainhub_alerts_lists_open_and_recent_incidents(project: Path) -> None:
    (project / "alerts.yaml").write_text("rules:\n  - rejects_above: 0\n")
    store = RunStore.of_project(project)
    record_run(store, "r1", "clickup-to-duckdb")
    store.write_counts("r1", "target", {"tasks": {"rejected": 2}})
    check_alerts(project)

    listed = CliRunner().invoke(main, ["alerts", "--json"])
    assert listed.exit_code == 0, listed.output
    (alert,) = [json.loads(line) for line in listed.output.splitlines()]
    assert alert["open"] is True
    assert alert["integration"] == "clickup-to-duckdb"
    assert alert["rule"] == "rejects-above"
    assert alert["notified"] == ["log"]

    text = CliRunner().invoke(main, ["alerts"]).output
    assert text.startswith("OPEN ")
    assert "clickup-to-duckdb  rejects-above: run r1 rejected or had refused 2 records" in text


def test_the_example_in_docs_operate_md_is_a_valid_alerts_file() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "operate.md").read_text()
    example = text.split("## Alerts", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    config = parse_alerts(example)
    assert [r.condition for r in config.rules] == [
        "run_failed",
        "consecutive_failures",
        "error_rate_above",
        "stale_stream",
        "api_budget_above",
        "rejects_above",
        "run_interrupted",
    ]
    assert sorted(config.channels) == ["log", "ops", "pager"]


def test_a_disabled_integration_is_not_judged(project: Path) -> None:
    (project / "alerts.yaml").write_text("rules:\n  - run_failed: true\n")
    store = RunStore.of_project(project)
    record_run(store, "r1", "clickup-to-duckdb", failed=True)
    record_run(store, "r2", "github-issues", failed=True)
    store.set_integration_status("clickup-to-duckdb", "disabled")
    result = check_alerts(project)
    assert [a.integration for a in result.opened] == ["github-issues"]
