"""``brainhub webhooks register`` creates the subscription through the vendor's API (here
the sandbox's) and keeps the secret in the credential store, never printing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.github import GitHubEmulator
from tests.support.secret_project import Project, project

__all__ = ["project"]


@pytest.fixture
def sandbox_dir(project: Project, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = project.root / "data" / "sandbox"
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(directory))
    for service in ("clickup", "github"):
        monkeypatch.delenv(f"BRAINHUB_WEBHOOK_SECRET_{service.upper()}", raising=False)
    return directory


def _secret(project: Project, service: str) -> str:
    shown = project.brainhub(
        "secrets", "get", f"BRAINHUB_WEBHOOK_SECRET_{service.upper()}", "--reveal"
    )
    assert shown.exit_code == 0, shown.output
    return shown.output.strip()


def test_register_clickup_stores_the_secret_clickup_returned(
    project: Project, sandbox_dir: Path
) -> None:
    url = "http://127.0.0.1:9/webhooks/clickup"
    result = project.brainhub("webhooks", "register", "clickup", "--url", url)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["secret_stored"] is True
    [subscription] = ClickUpEmulator(state_dir=sandbox_dir).webhooks.all()
    assert (subscription.id, subscription.url) == (answer["subscription"], url)
    assert _secret(project, "clickup") == subscription.secret
    assert subscription.secret not in result.output


def test_register_github_hands_a_generated_secret_to_the_hook(
    project: Project, sandbox_dir: Path
) -> None:
    url = "http://127.0.0.1:9/webhooks/github"
    missing = project.brainhub("webhooks", "register", "github", "--url", url)
    assert missing.exit_code == 1
    assert "give --scope repo=<value>" in missing.output
    result = project.brainhub("webhooks", "register", "github", "--url", url, "--scope", "repo=api")
    assert result.exit_code == 0, result.output
    [subscription] = GitHubEmulator(state_dir=sandbox_dir).webhooks.all()
    assert subscription.url == url
    assert subscription.scope == {"repo": "api"}
    assert _secret(project, "github") == subscription.secret


def test_slack_cannot_be_registered_through_an_api(project: Project, sandbox_dir: Path) -> None:
    result = project.brainhub("webhooks", "register", "slack", "--url", "http://127.0.0.1:9/x")
    assert result.exit_code == 1
    assert "configured in the app's settings" in result.output
