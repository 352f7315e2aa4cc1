"""``brainhub init`` templates: a working integration file and the next commands.

Each template writes ``integration.yaml`` (or ``.json``) and a ``README.md`` into a new
directory; ``brainhub integration run DIR`` runs it through the Python API (a Meltano run of
the project's plugins), or a notebook does with :func:`~brainhub.hub.files.run_integration`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brainhub.errors import ConfigError


@dataclass(frozen=True)
class Template:
    """What one template writes and says."""

    name: str
    summary: str
    settings: dict[str, Any]
    notes: str
    then: tuple[str, ...] = ()


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "clickup-to-duckdb",
            "ClickUp's tasks and lists into the warehouse, with ClickUp's id as text beside them",
            {
                "name": "clickup_to_duckdb",
                "kind": "sync",
                "service": "clickup",
                "direction": "inbound",
                "streams": ["tasks", "lists"],
                "mappings": [{"source": "id", "target": "external_id", "transform": "to_string"}],
                "sync_interval": 3600,
            },
            "Mapped streams land in the schema named after the integration "
            "(`clickup_to_duckdb.tasks`); streams without a mapped field in `raw_clickup`.",
        ),
        Template(
            "github-issues-to-clickup",
            "GitHub issues as ClickUp tasks (the project's job of that name)",
            {"name": "github_issues_to_clickup", "kind": "job", "job": "github-issues-to-clickup"},
            "The job reads `tap-github--issues`, maps with "
            "`transforms/github_to_clickup/tasks.yaml` and writes through "
            "`target-clickup--github-issues`; its list is that loader's "
            "`stream_map_config.list_id`.",
        ),
        Template(
            "clickup-github-sync",
            "ClickUp tasks and GitHub issues kept in step both ways (syncs/clickup-github.yaml)",
            {"name": "clickup_github_sync", "kind": "two-way", "sync": "clickup-github"},
            "The fields, matching and conflict rules are in `syncs/clickup-github.yaml`; "
            "this file only names it and the environment.",
            ("brainhub sync plan clickup-github",),
        ),
        Template(
            "overdue-digest-to-slack",
            "One Slack message per assignee with overdue ClickUp tasks (needs the "
            "warehouse filled by clickup-to-duckdb)",
            {"name": "overdue_digest_to_slack", "kind": "job", "job": "overdue-digest-to-slack"},
            "The digest reads `mart_clickup.overdue_tasks`; run `meltano run "
            "clickup-to-duckdb` first so the mart exists.",
        ),
    )
}


def template(name: str) -> Template:
    """The template of that name; the error lists the templates."""
    if name not in TEMPLATES:
        raise ConfigError(f"no template {name!r}; templates: {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


def scaffold(name: str, directory: Path, file_format: str = "yaml") -> list[str]:
    """Write the template into ``directory`` (new or empty); the next commands to run."""
    chosen = template(name)
    try:
        return _write(chosen, directory, file_format)
    except OSError as exc:
        raise ConfigError(
            f"{directory}: cannot write the integration there ({exc.strerror or exc}); "
            "choose a new directory"
        ) from None


def _write(chosen: Template, directory: Path, file_format: str) -> list[str]:
    if directory.exists() and any(directory.iterdir()):
        raise ConfigError(f"{directory}: not empty; choose a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    settings = {**chosen.settings, "environment": "sandbox"}
    if file_format == "json":
        path = directory / "integration.json"
        path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    else:
        path = directory / "integration.yaml"
        path.write_text(
            f"# {chosen.summary}.\n# `brainhub integration run {directory}` runs it; every key "
            "may be overridden by BRAINHUB_INTEGRATION_<KEY>.\n"
            + yaml.safe_dump(settings, sort_keys=False),
            encoding="utf-8",
        )
    commands = [
        f"brainhub integration validate {directory}",
        *chosen.then,
        f"brainhub integration run {directory}",
        f"BRAINHUB_INTEGRATION_ENVIRONMENT=prod brainhub integration run {directory}",
    ]
    readme = (
        f"# {settings['name']}\n\n{chosen.summary}.\n\n{chosen.notes}\n\n"
        "It runs in the offline `sandbox` environment until `environment: prod` (or "
        "`BRAINHUB_INTEGRATION_ENVIRONMENT=prod`); credentials for prod go to the credential "
        "store (`brainhub secrets set TAP_<SERVICE>_API_TOKEN -e prod`), never into this "
        "directory.\n\n```sh\n" + "\n".join(commands) + "\n```\n"
    )
    (directory / "README.md").write_text(readme, encoding="utf-8")
    return commands
