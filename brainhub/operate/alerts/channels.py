"""Where alert notices go: Slack (through ``target-slack``), a webhook (a JSON POST), the log.

A notice is a dict (see :func:`notice`). Each channel's ``send`` raises
:class:`DeliveryError` with one line when the notice did not arrive; the caller records
which channels took it and tries the others again at the next check.

Slack is reached by running the project's own ``target-slack`` with one record (stream
``messages``, mode ``append``: every notice is a new message), so the calls, retries, rate
limit and secret handling are the target runtime's. Its id map goes to
``data/alerts.duckdb``, never the warehouse a pipeline may be loading. The bot token comes
from ``$TARGET_SLACK_API_TOKEN`` (or the channel's ``token_variable``), else from the
environment's secret store.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from brainhub.environments import environments, load_project
from brainhub.errors import BrainhubError
from brainhub.operate.alerts.rules import Channel
from brainhub.operate.alerts.store import Alert
from brainhub.redaction import redact

LOG = logging.getLogger("brainhub.alerts")
ALERTS_WAREHOUSE = Path("data") / "alerts.duckdb"
SLACK_TIMEOUT_S = 120


class DeliveryError(BrainhubError):
    """A notice did not reach its channel; the message says why, in one line."""


def notice(alert: Alert, *, recovered: bool, environment: str | None) -> dict[str, Any]:
    """The notice of an incident opening (``alert.opened``) or closing (``alert.closed``)."""
    return {
        "event": "alert.closed" if recovered else "alert.opened",
        "id": alert.id,
        "rule": alert.rule,
        "condition": alert.condition,
        "integration": alert.integration,
        "environment": environment,
        "message": alert.message,
        "opened_at": alert.opened_at,
        "closed_at": alert.closed_at,
    }


def text_of(note: Mapping[str, Any]) -> str:
    """One line for people (Slack, the log)."""
    where = f" [{note['environment']}]" if note.get("environment") else ""
    if note["event"] == "alert.closed":
        return (
            f"Recovered{where}: {note['integration']}: {note['rule']} no longer holds "
            f"(was: {note['message']}; open since {note['opened_at'][:19]} UTC)"
        )
    return f"Alert{where}: {note['integration']}: {note['rule']}: {note['message']}"


def send(
    channel: Channel,
    note: Mapping[str, Any],
    *,
    project_root: Path,
    environment: str | None,
    secrets: Mapping[str, str],
) -> None:
    """Deliver ``note`` to ``channel``; raises :class:`DeliveryError` when it did not arrive."""
    if channel.type == "log":
        (LOG.warning if note["event"] == "alert.opened" else LOG.info)("%s", text_of(note))
    elif channel.type == "webhook":
        _post(channel, note)
    elif channel.type == "slack":
        _slack(channel, note, project_root, environment, secrets)
    else:
        raise DeliveryError(f"channel {channel.name}: unknown type {channel.type!r}")


def _post(channel: Channel, note: Mapping[str, Any]) -> None:
    url = str(channel.settings["url"])
    shown = _site(url)
    try:
        answer = requests.post(url, json=note, timeout=float(channel.settings.get("timeout", 10)))
    except requests.RequestException as exc:
        raise DeliveryError(
            f"channel {channel.name}: POST {shown} failed: {type(exc).__name__}"
        ) from None
    if answer.status_code >= 300:
        raise DeliveryError(f"channel {channel.name}: POST {shown} answered {answer.status_code}")


def _site(url: str) -> str:
    """``scheme://host:port`` of a URL: a webhook's path and query often hold its secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _slack(
    channel: Channel,
    note: Mapping[str, Any],
    project_root: Path,
    environment: str | None,
    secrets: Mapping[str, str],
) -> None:
    variable = str(channel.settings.get("token_variable") or "TARGET_SLACK_API_TOKEN")
    token = os.environ.get(variable) or secrets.get(variable)
    config: dict[str, Any] = {
        "warehouse": str(project_root / ALERTS_WAREHOUSE),
        "schema": "alerts_slack",
        "modes": {"messages": "append"},
    }
    base_url = channel.settings.get("base_url") or _meltano_base_url(project_root, environment)
    if base_url:
        config["base_url"] = str(base_url)
    if token:
        config["api_token"] = token
    record = {
        "key": f"alert-{note['id']}-{'closed' if note['event'] == 'alert.closed' else 'opened'}",
        "channel": str(channel.settings["channel"]),
        "text": text_of(note),
    }
    messages = [
        {
            "type": "SCHEMA",
            "stream": "messages",
            "key_properties": ["key"],
            "schema": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "channel": {"type": "string"},
                    "text": {"type": "string"},
                },
            },
        },
        {"type": "RECORD", "stream": "messages", "record": record},
    ]
    executable = Path(sys.executable).with_name("target-slack")
    with tempfile.TemporaryDirectory(prefix="brainhub-alert-") as folder:
        config_path = Path(folder) / "config.json"
        fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(config, handle)
        try:
            done = subprocess.run(
                [str(executable), "--config", str(config_path)],
                input="".join(json.dumps(m) + "\n" for m in messages),
                capture_output=True,
                text=True,
                cwd=project_root,
                timeout=SLACK_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeliveryError(f"channel {channel.name}: target-slack: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1] if lines else f"exit code {done.returncode}"
        shown = redact(last, [token] if token else [])
        raise DeliveryError(f"channel {channel.name}: target-slack failed: {shown}")


def _meltano_base_url(project_root: Path, environment: str | None) -> str | None:
    """The ``base_url`` meltano.yml's environment gives ``target-slack``, if any."""
    if not environment:
        return None
    try:
        project = load_project(project_root)
    except BrainhubError:
        return None
    for env in environments(project):
        if env.get("name") != environment:
            continue
        loaders = ((env.get("config") or {}).get("plugins") or {}).get("loaders") or []
        for loader in loaders:
            if isinstance(loader, dict) and loader.get("name") == "target-slack":
                value = (loader.get("config") or {}).get("base_url")
                return str(value) if value else None
    return None
