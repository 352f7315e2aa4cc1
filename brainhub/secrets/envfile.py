"""Read a ``.env`` file, and take secrets out of it once they are in the store.

The lines Meltano's ``.env`` holds: ``NAME=value``, optionally ``export NAME=value``, values
bare (a `` #`` starts a comment), in double quotes (``\\n``, ``\\"`` and ``\\\\`` escapes) or in
single quotes (taken literally); blank lines and ``#`` comments.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from brainhub.private_files import write_atomically
from brainhub.secrets.errors import SecretStoreError

_ASSIGNMENT = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*")
_DOUBLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


@dataclass(frozen=True)
class Assignment:
    """One ``NAME=value`` line of a ``.env`` file (the value never appears in its repr)."""

    name: str
    value: str
    line: int

    def __repr__(self) -> str:
        return f"Assignment(name={self.name!r}, line={self.line})"


def read_env_file(path: Path) -> list[Assignment]:
    """Every assignment of a ``.env`` file; a malformed line is an error naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretStoreError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SecretStoreError(f"{path}: not UTF-8 text") from None
    assignments = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ASSIGNMENT.fullmatch(line)
        if match is None:
            raise SecretStoreError(
                f"{path}, line {number}: expected NAME=value (or export NAME=value), "
                "a # comment or a blank line"
            )
        value = _value(match[2], path, number)
        assignments.append(Assignment(match[1], value, number))
    return assignments


def _value(raw: str, path: Path, number: int) -> str:
    if raw[:1] in {'"', "'"}:
        quote = raw[0]
        end = _closing_quote(raw, quote)
        rest = raw[end + 1 :].strip() if end > 0 else ""
        if end < 0 or (rest and not rest.startswith("#")):
            raise SecretStoreError(
                f"{path}, line {number}: the value's {quote} quote is not closed at the end "
                "of the line (values spanning lines are not supported)"
            )
        body = raw[1:end]
        if quote == "'":
            return body
        return re.sub(r"\\(.)", lambda m: _DOUBLE_ESCAPES.get(m[1], "\\" + m[1]), body)
    return re.split(r"\s+#", raw, maxsplit=1)[0]


def _closing_quote(raw: str, quote: str) -> int:
    index = 1
    while index < len(raw):
        if raw[index] == "\\" and quote == '"':
            index += 2
            continue
        if raw[index] == quote:
            return index
        index += 1
    return -1


def remove_assignments(path: Path, names: set[str], note: str) -> int:
    """Replace the assignment lines of ``names`` by a comment saying where they went.

    The file is rewritten atomically with its permissions kept; returns the lines replaced.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    replaced = 0
    for index, line in enumerate(lines):
        match = _ASSIGNMENT.fullmatch(line.rstrip("\r\n"))
        if match and match[1] in names:
            lines[index] = f"# {match[1]}: {note}\n"
            replaced += 1
    if replaced:
        mode = os.stat(path).st_mode & 0o777
        write_atomically(path, "".join(lines).encode("utf-8"), mode=mode, dir_mode=0o755)
    return replaced
