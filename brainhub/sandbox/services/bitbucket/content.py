"""The seeded contents of a repository: a few files on ``main``, and the changes between
two of its commits (one table read by the diffstat, the diff and the patch, so the three
agree).

Bitbucket's ``/src`` lists a directory (a page of ``commit_file`` and
``commit_directory`` entries) or answers a file's raw text; ``/diff/{spec}`` and
``/patch/{spec}`` answer plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Path → content of every repository's files (``{slug}`` is the repository's).
_FILES = {
    "README.md": "# {slug}\n\nA sandbox repository.\n",
    "bitbucket-pipelines.yml": "pipelines:\n  default:\n    - step:\n        script:\n"
    "          - make test\n",
    "src/{slug}/module_0.py": "def main() -> None:\n    print('{slug}')\n",
    "src/{slug}/module_1.py": "VALUE = 1\n",
    "src/{slug}/module_2.py": "VALUE = 2\n",
}


@dataclass(frozen=True)
class Change:
    """One file changed between two commits: its path and lines added and removed."""

    path: str
    added: int
    removed: int


def files(slug: str) -> dict[str, str]:
    """Path → text of a repository's files."""
    return {path.format(slug=slug): text.format(slug=slug) for path, text in _FILES.items()}


def directory(slug: str, path: str) -> list[tuple[str, bool]]:
    """The entries of directory ``path`` ("" for the root): ``(path, is_directory)``,
    sorted; empty when ``path`` is no directory."""
    prefix = f"{path.strip('/')}/" if path.strip("/") else ""
    entries: set[tuple[str, bool]] = set()
    for name in files(slug):
        if not name.startswith(prefix):
            continue
        head, _, rest = name[len(prefix) :].partition("/")
        entries.add((prefix + head, bool(rest)))
    return sorted(entries)


def changes(slug: str, spec: str) -> list[Change]:
    """The files changed by ``spec`` (``a..b``), the same on every call."""
    weight = sum(map(ord, spec))
    return [
        Change(f"src/{slug}/module_{n}.py", (weight + n) % 40, (weight + 3 * n) % 17)
        for n in range(1 + weight % 3)
    ]


def diff(slug: str, spec: str) -> str:
    """A unified diff of ``spec``'s changes (git's form)."""
    out = []
    for change in changes(slug, spec):
        out += [
            f"diff --git a/{change.path} b/{change.path}",
            f"--- a/{change.path}",
            f"+++ b/{change.path}",
            f"@@ -1,{change.removed} +1,{change.added} @@",
            *(f"-old line {n}" for n in range(change.removed)),
            *(f"+new line {n}" for n in range(change.added)),
        ]
    return "\n".join(out) + "\n"


def patch(slug: str, spec: str, author: str, date: str, message: str) -> str:
    """``spec``'s changes as a ``git format-patch`` mail."""
    head = spec.split("..")[0]
    return (
        f"From {head} Mon Sep 17 00:00:00 2001\n"
        f"From: {author}\nDate: {date}\nSubject: [PATCH] {message.splitlines()[0]}\n\n---\n"
        + diff(slug, spec)
    )
