"""How journalled GitHub writes change the dataset: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`), so both see the same data. A change
whose repository, issue or comment is gone is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.github.dataset import (
    Comment,
    GitHubDataset,
    Issue,
    Label,
    Repository,
)
from brainhub.sandbox.services.github.writes import NEW_LABEL_COLOR

#: Issue attributes an update may set directly.
ISSUE_ATTRIBUTES = frozenset(
    {"title", "body", "state", "state_reason", "closed_at", "closed_by", "labels", "milestone"}
)


class GitHubChanges:
    """Applies journalled changes to one :class:`GitHubDataset`."""

    def __init__(self, data: GitHubDataset) -> None:
        self.data = data

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("issue", "create"): self.create_issue,
                ("issue", "update"): self.update_issue,
                ("comment", "create"): self.create_comment,
                ("comment", "update"): self.update_comment,
                ("comment", "delete"): self.delete_comment,
            }
        )

    def create_issue(self, change: Change) -> None:
        values = change.data
        repo = self.data.repo_named(str(values["repo"]))
        if repo is None:
            return
        repo.written_issues += 1
        number = int(values["number"])
        if repo.find_issue(number) is not None:
            return
        self._add_labels(repo, values.get("new_labels", []))
        assignees = list(values["assignees"])
        repo.issues.append(
            Issue(
                id=int(values["id"]),
                number=number,
                title=str(values["title"]),
                body=str(values["body"]),
                user=int(values["user"]),
                state="open",
                labels=list(values["labels"]),
                assignee=assignees[0] if assignees else None,
                more_assignees=assignees[1:],
                milestone=values["milestone"],
                created_at=int(values["created_at"]),
                updated_at=int(values["updated_at"]),
                closed_at=None,
                is_pull=False,
            )
        )
        self.data.note_write(int(values["updated_at"]))

    def update_issue(self, change: Change) -> None:
        values = change.data
        repo, issue = self._issue(values)
        if repo is None or issue is None:
            return
        self._add_labels(repo, values.get("new_labels", []))
        for key, value in values.items():
            if key in ISSUE_ATTRIBUTES:
                setattr(issue, key, list(value) if key == "labels" else value)
        if "assignees" in values:
            assignees = list(values["assignees"])
            issue.assignee = assignees[0] if assignees else None
            issue.more_assignees = assignees[1:]
        self._stamp(issue, int(values["updated_at"]))

    def create_comment(self, change: Change) -> None:
        values = change.data
        repo, issue = self._issue(values, "issue_number")
        if repo is None or issue is None:
            return
        repo.written_comments += 1
        if self._comment(repo, change.id) is not None:
            return
        when = int(values["created_at"])
        repo.comments.append(
            Comment(
                int(change.id), issue.number, int(values["user"]), str(values["body"]), when, when
            )
        )
        issue.comments += 1
        self._stamp(issue, when)

    def update_comment(self, change: Change) -> None:
        repo, issue = self._issue(change.data, "issue_number")
        comment = self._comment(repo, change.id)
        if issue is None or comment is None:
            return
        when = int(change.data["updated_at"])
        comment.body = str(change.data["body"])
        comment.updated_at = max(comment.updated_at, when)
        self._stamp(issue, when)

    def delete_comment(self, change: Change) -> None:
        repo, issue = self._issue(change.data, "issue_number")
        comment = self._comment(repo, change.id)
        if repo is None or issue is None or comment is None:
            return
        repo.comments.remove(comment)
        issue.comments -= 1
        self._stamp(issue, int(change.data["updated_at"]))

    # ------------------------------------------------------------------ helpers

    def _issue(
        self, values: Mapping[str, Any], key: str = "number"
    ) -> tuple[Repository | None, Issue | None]:
        repo = self.data.repo_named(str(values["repo"]))
        if repo is None:
            return None, None
        return repo, repo.find_issue(int(values[key]))

    @staticmethod
    def _comment(repo: Repository | None, comment_id: str) -> Comment | None:
        if repo is None:
            return None
        return next((c for c in repo.comments if str(c.id) == comment_id), None)

    @staticmethod
    def _add_labels(repo: Repository, new: list[dict[str, Any]]) -> None:
        """Create the labels a write named that the repository lacks."""
        known = {label.name.lower() for label in repo.labels}
        for entry in new:
            if str(entry["name"]).lower() not in known:
                repo.labels.append(
                    Label(int(entry["id"]), str(entry["name"]), NEW_LABEL_COLOR, "", False)
                )
                known.add(str(entry["name"]).lower())

    def _stamp(self, issue: Issue, when_s: int) -> None:
        """``updated_at`` of ``issue`` is ``when_s`` (never earlier than it was)."""
        issue.updated_at = max(issue.updated_at, when_s)
        self.data.note_write(when_s)
