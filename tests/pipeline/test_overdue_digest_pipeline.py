"""The shipped overdue-digest-to-slack job in a real Meltano run on a fresh project: after
clickup-to-duckdb, mart_clickup.overdue_tasks becomes one Slack message per assignee in
#general, read back from the Slack emulator; a rerun posts nothing new."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.services.slack import SlackEmulator
from tests.pipeline.conftest import MeltanoProject

pytestmark = pytest.mark.pipeline

ASSIGNEES = """
SELECT DISTINCT trim(unnest(string_split(assignee_usernames, ','))) AS assignee
FROM mart_clickup.overdue_tasks WHERE coalesce(assignee_usernames, '') <> ''
ORDER BY 1
"""


def _bot_messages(project: MeltanoProject) -> list[dict[str, Any]]:
    """The bot's top-level messages in #general, through the emulator's API."""
    emulator = SlackEmulator(
        size="demo", seed=1, state_dir=project.root / "data" / "sandbox", rate_limit=100_000
    )
    with serve(emulator) as running:
        headers = {"Authorization": f"Bearer {running.credentials['api_token']}"}
        channels = requests.get(
            f"{running.base_url}/conversations.list", headers=headers, timeout=10
        ).json()["channels"]
        general = next(c["id"] for c in channels if c["name"] == "general")
        history = requests.get(
            f"{running.base_url}/conversations.history",
            params={"channel": general, "limit": 999},
            headers=headers,
            timeout=10,
        ).json()
        assert history["ok"] is True, history
        bot = emulator.workspace.bot_user_id
        return [m for m in history["messages"] if m.get("user") == bot]


def test_overdue_digest_posts_one_message_per_assignee(meltano_project: MeltanoProject) -> None:
    meltano_project.run("--environment=sandbox", "run", "clickup-to-duckdb", timeout=600)
    assignees = [row[0] for row in meltano_project.query(ASSIGNEES)]
    assert assignees, "the demo data has overdue tasks with assignees"

    meltano_project.run("--environment=sandbox", "run", "overdue-digest-to-slack", timeout=600)

    messages = _bot_messages(meltano_project)
    heads = sorted(m["text"].splitlines()[0] for m in messages)
    assert len(messages) == len(assignees)
    for assignee in assignees:
        assert sum(f"*Overdue tasks for {assignee}*" in head for head in heads) == 1

    meltano_project.run("--environment=sandbox", "run", "overdue-digest-to-slack", timeout=600)

    assert len(_bot_messages(meltano_project)) == len(assignees)  # edited in place, not reposted
