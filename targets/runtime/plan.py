"""``dry_run``: what a run would do, per object type, with the fields each update changes.

Nothing is called and nothing is written; the plan is printed (to stderr: stdout is the
Singer channel) when the input ends::

    target-clickup dry run: nothing was sent
    tasks: 2 creates, 1 update, 0 deletes, 7 unchanged
      update task-3: name 'Old' → 'New'; priority 3 → 1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

SHOWN_PER_TYPE = 50


class Plan:
    """Counts and changed fields of the writes a run would make."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(
            lambda: {"create": 0, "update": 0, "delete": 0, "unchanged": 0, "reject": 0}
        )
        self.lines: dict[str, list[str]] = defaultdict(list)

    def create(self, object_type: str, fields: Mapping[str, Any]) -> None:
        self.counts[object_type]["create"] += 1
        shown = ", ".join(f"{k} {_short(v)}" for k, v in fields.items())
        self._line(object_type, f"create: {shown}")

    def update(self, object_type: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        self.counts[object_type]["update"] += 1
        changed = [
            f"{name} {_short(before.get(name))} → {_short(after.get(name))}"
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]
        self._line(object_type, "update: " + ("; ".join(changed) or "(first write recorded)"))

    def delete(self, object_type: str, key: str) -> None:
        self.counts[object_type]["delete"] += 1
        self._line(object_type, f"delete: source key {key}")

    def unchanged(self, object_type: str, count: int) -> None:
        self.counts[object_type]["unchanged"] += count

    def reject(self, object_type: str, key: str, message: str) -> None:
        self.counts[object_type]["reject"] += 1
        self._line(object_type, f"reject {key}: {message}")

    def _line(self, object_type: str, line: str) -> None:
        lines = self.lines[object_type]
        if len(lines) < SHOWN_PER_TYPE:
            lines.append(line)

    def render(self, executable: str) -> str:
        """The plan as text."""
        out = [f"{executable} dry run: nothing was sent"]
        for object_type, counts in sorted(self.counts.items()):
            out.append(
                f"{object_type}: {counts['create']} creates, {counts['update']} updates, "
                f"{counts['delete']} deletes, {counts['unchanged']} unchanged"
                + (f", {counts['reject']} would be rejected" if counts["reject"] else "")
            )
            out += [f"  {line}" for line in self.lines[object_type]]
        return "\n".join(out)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
