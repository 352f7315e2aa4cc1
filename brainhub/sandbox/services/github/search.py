"""GitHub search queries (``q``): free words and the common qualifiers.

``repo:owner/name``, ``org:``/``user:``, ``is:issue``/``is:pr`` (``type:`` too),
``is:open``/``is:closed`` (``state:`` too), ``is:public``/``is:private``, ``label:``,
``author:``, ``assignee:``, ``language:``, ``in:title`` is implied. Free words must all
appear in an issue's title (a repository's name or description). Unknown qualifiers match
nothing, as GitHub's do.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from brainhub.sandbox.services.github.dataset import ORG_LOGIN, Issue, Repository, User

_KNOWN = {
    "repo",
    "org",
    "user",
    "is",
    "type",
    "state",
    "label",
    "author",
    "assignee",
    "language",
    "in",
}


@dataclass
class SearchQuery:
    """A parsed ``q``: qualifiers (name → values) and free words (lower case)."""

    qualifiers: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> SearchQuery | None:
        """The query in ``text``; ``None`` when it is empty (GitHub's 422)."""
        try:
            parts = shlex.split(text)
        except ValueError:
            parts = text.split()
        if not parts:
            return None
        query = cls()
        for part in parts:
            name, colon, value = part.partition(":")
            if colon and name.lower() in _KNOWN:
                query.qualifiers.setdefault(name.lower(), []).append(value)
            elif colon and name:
                query.qualifiers.setdefault("unknown", []).append(part)
            else:
                query.words.append(part.lower())
        return query

    def _values(self, name: str) -> list[str]:
        return [v.lower() for v in self.qualifiers.get(name, [])]

    def wants_repository(self, repo: Repository, *, by_text: bool = False) -> bool:
        """Whether ``repo`` is searched (and, for repository search, found)."""
        if "unknown" in self.qualifiers:
            return False
        owners = self._values("org") + self._values("user")
        if any(owner != ORG_LOGIN for owner in owners):
            return False
        names = self._values("repo")
        if names and repo.full_name.lower() not in names:
            return False
        flags = set(self._values("is"))
        if ("public" in flags and repo.private) or ("private" in flags and not repo.private):
            return False
        languages = self._values("language")
        if languages and repo.language.lower() not in languages:
            return False
        if by_text:
            text = f"{repo.name} {repo.description}".lower()
            return all(word in text for word in self.words)
        return True

    def wants_issue(self, issue: Issue, users: list[User]) -> bool:
        """Whether ``issue`` (an issue or a pull request) is found."""
        kinds = set(self._values("is")) | set(self._values("type"))
        if ("pr" in kinds and not issue.is_pull) or ("issue" in kinds and issue.is_pull):
            return False
        states = (kinds | set(self._values("state"))) & {"open", "closed"}
        if states and issue.state not in states:
            return False
        labels = self._values("label")
        if any(label not in [n.lower() for n in issue.labels] for label in labels):
            return False
        authors = self._values("author")
        if authors and users[issue.user].login.lower() not in authors:
            return False
        assignees = self._values("assignee")
        if assignees and (
            issue.assignee is None or users[issue.assignee].login.lower() not in assignees
        ):
            return False
        return all(word in issue.title.lower() for word in self.words)
