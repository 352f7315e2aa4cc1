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


def test_register_gitlab_hands_a_generated_token_to_the_project_hook(
    project: Project, sandbox_dir: Path
) -> None:
    from brainhub.sandbox.services.gitlab import GitLabEmulator

    url = "http://127.0.0.1:9/webhooks/gitlab"
    missing = project.brainhub("webhooks", "register", "gitlab", "--url", url)
    assert missing.exit_code == 1
    assert "give --scope project=<value>" in missing.output
    result = project.brainhub(
        "webhooks", "register", "gitlab", "--url", url, "--scope", "project=sandbox-group/project-1"
    )
    assert result.exit_code == 0, result.output
    [subscription] = GitLabEmulator(state_dir=sandbox_dir).webhooks.all()
    assert (subscription.id, subscription.url) == (json.loads(result.output)["subscription"], url)
    assert set(subscription.events) == {"Issue Hook", "Note Hook", "Merge Request Hook"}
    assert _secret(project, "gitlab") == subscription.secret
    assert subscription.secret not in result.output


def test_register_bitbucket_hands_a_generated_secret_to_the_repository_hook(
    project: Project, sandbox_dir: Path
) -> None:
    from brainhub.sandbox.services.bitbucket import BitbucketEmulator

    repo = next(iter(BitbucketEmulator(state_dir=sandbox_dir).data.repositories.values()))
    url = "http://127.0.0.1:9/webhooks/bitbucket"
    scope = ["--scope", f"workspace={repo.workspace}", "--scope", f"repo_slug={repo.slug}"]
    result = project.brainhub("webhooks", "register", "bitbucket", "--url", url, *scope)
    assert result.exit_code == 0, result.output
    [subscription] = BitbucketEmulator(state_dir=sandbox_dir).webhooks.all()
    assert subscription.scope["full_name"] == repo.full_name
    assert "pullrequest:comment_created" in subscription.events
    assert _secret(project, "bitbucket") == subscription.secret
    assert subscription.secret not in result.output


def test_register_confluence_needs_the_shared_secret_then_adds_one_module_per_event(
    project: Project, sandbox_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from brainhub.sandbox.services.confluence import ConfluenceEmulator

    url = "http://127.0.0.1:9/webhooks/confluence"
    monkeypatch.delenv("BRAINHUB_WEBHOOK_SECRET_CONFLUENCE", raising=False)
    missing = project.brainhub("webhooks", "register", "confluence", "--url", url)
    assert missing.exit_code == 1
    assert "store it as BRAINHUB_WEBHOOK_SECRET_CONFLUENCE first" in missing.output
    shared = {"BRAINHUB_WEBHOOK_SECRET_CONFLUENCE": "installed-shared-secret"}
    assert (
        project.brainhub("sandbox", "webhooks", "app-secret", "confluence", **shared).exit_code == 0
    )
    result = project.brainhub("webhooks", "register", "confluence", "--url", url, **shared)
    assert result.exit_code == 0, result.output
    modules = ConfluenceEmulator(state_dir=sandbox_dir).webhooks.all()
    assert {m.url for m in modules} >= {f"{url}?event=page_updated", f"{url}?event=comment_created"}
    assert all(len(m.events) == 1 and m.url.endswith(m.events[0]) for m in modules)
    assert {m.secret for m in modules} == {"installed-shared-secret"}
    assert "installed-shared-secret" not in result.output
