"""An event the receiver accepted survives the receiver being killed before it was
processed: the next start processes it, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.webhooks.dispatch import Dispatcher, Target
from brainhub.webhooks.inbox import Inbox, inbox_path
from brainhub.webhooks.schemes import signed_headers


def test_an_accepted_event_is_processed_once_after_a_sigkill(tmp_path: Path) -> None:
    (tmp_path / "syncs").mkdir()
    (tmp_path / "syncs" / "tasks.yaml").write_text(
        "left: {connector: clickup, object: tasks}\nright: {connector: github, object: issues}\n"
    )
    env = {**os.environ, "BRAINHUB_WEBHOOK_SECRET_CLICKUP": "kill-test-secret"}
    command = [
        sys.executable,
        "-c",
        "from brainhub.cli import main; main()",
        "webhooks",
        "serve",
        "--project",
        str(tmp_path),
        "--port",
        "0",
        "--debounce",
        "3600",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        body = json.dumps({"event": "taskUpdated", "task_id": "t1", "history_items": []}).encode()
        response = requests.post(
            f"http://127.0.0.1:{started['port']}/webhooks/clickup",
            data=body,
            headers=signed_headers("clickup", "kill-test-secret", body),
            timeout=10,
        )
        assert response.status_code == 200, response.text
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == -signal.SIGKILL

    ran: list[Target] = []
    inbox = Inbox(inbox_path(tmp_path))
    try:
        [pending] = inbox.pending()
        assert json.loads(pending.body)["task_id"] == "t1"
        restarted = Dispatcher(inbox, lambda service: [Target("sync", "tasks")], ran.append)
        assert restarted.submit_pending() == 1
        restarted.run_due(float("inf"))
        assert ran == [Target("sync", "tasks")]
        assert inbox.pending() == []
        again = Dispatcher(inbox, lambda service: [Target("sync", "tasks")], ran.append)
        assert again.submit_pending() == 0
        assert again.run_due(float("inf")) == []
    finally:
        inbox.close()

    listed = CliRunner().invoke(main, ["webhooks", "list", "--project", str(tmp_path), "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = [json.loads(line) for line in listed.output.splitlines()]
    assert (row["service"], row["status"], row["event_type"]) == (
        "clickup",
        "processed",
        "taskUpdated",
    )
    assert "kill-test-secret" not in listed.output
