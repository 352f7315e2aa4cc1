"""The seeded repository contents of a project: a few files on ``main``.

GitLab's tree, file and blob reads address them: the tree lists a directory's entries
(``?path=``, ``?recursive=true``), a file is read by its path (its metadata with the
content in base64, or raw), a blob by its object id. Object ids are the git hashes of the
contents (``blob <size>\\0<content>``), so they are what a real repository would carry.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

#: Path → content of every project's files (the project's name is put into the README).
_FILES = {
    ".gitlab-ci.yml": "test:\n  script:\n    - make test\n",
    "README.md": "# {name}\n\nA sandbox project.\n",
    "docs/guide.md": "# Guide\n\nHow to use {name}.\n",
    "src/app.py": "def main() -> None:\n    print('{name}')\n",
    "src/util/paths.py": "ROOT = '.'\n",
}


@dataclass(frozen=True)
class RepositoryFile:
    """One file: its path, content and git object id."""

    path: str
    content: str

    @property
    def size(self) -> int:
        return len(self.content.encode())

    @property
    def sha(self) -> str:
        data = self.content.encode()
        return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()

    @property
    def base64(self) -> str:
        return base64.b64encode(self.content.encode()).decode()

    def json(self, ref: str, commit_id: str) -> dict[str, Any]:
        """GitLab's answer to ``GET …/repository/files/:file_path``."""
        return {
            "file_name": self.path.rsplit("/", 1)[-1],
            "file_path": self.path,
            "size": self.size,
            "encoding": "base64",
            "content": self.base64,
            "content_sha256": hashlib.sha256(self.content.encode()).hexdigest(),
            "ref": ref,
            "blob_id": self.sha,
            "commit_id": commit_id,
            "last_commit_id": commit_id,
            "execute_filemode": False,
        }


class RepositoryFiles:
    """A project's files and the directories they make."""

    def __init__(self, project_name: str) -> None:
        self.files = {
            path: RepositoryFile(path, content.format(name=project_name))
            for path, content in sorted(_FILES.items())
        }
        self.directories = sorted(
            {
                "/".join(path.split("/")[:depth])
                for path in self.files
                for depth in range(1, path.count("/") + 1)
            }
        )

    def file(self, path: str) -> RepositoryFile | None:
        return self.files.get(path)

    def blob(self, sha: str) -> RepositoryFile | None:
        return next((f for f in self.files.values() if f.sha == sha), None)

    def tree(self, path: str, recursive: bool) -> list[dict[str, Any]] | None:
        """The entries under directory ``path`` (``""`` is the root), directories first
        as GitLab lists them; ``None`` when no such directory exists."""
        if path and path not in self.directories:
            return None
        prefix = f"{path}/" if path else ""

        def inside(entry: str) -> bool:
            rest = entry[len(prefix) :]
            return entry.startswith(prefix) and bool(rest) and (recursive or "/" not in rest)

        trees = [self._entry(d, "tree") for d in self.directories if inside(d)]
        blobs = [self._entry(p, "blob") for p in self.files if inside(p)]
        return trees + blobs

    def _entry(self, path: str, kind: str) -> dict[str, Any]:
        if kind == "blob":
            object_id, mode = self.files[path].sha, "100644"
        else:
            object_id = hashlib.sha1(f"tree {path}".encode(), usedforsecurity=False).hexdigest()
            mode = "040000"
        return {
            "id": object_id,
            "name": path.rsplit("/", 1)[-1],
            "type": kind,
            "path": path,
            "mode": mode,
        }
